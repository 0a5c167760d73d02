import { describe, expect, it } from "vitest";
import { resolveWorkerSettings } from "../../packages/runtime/src/worker/workerSettings.js";
import { QUEUE_DEFAULTS } from "../../packages/runtime/src/defaults.js";
import { testQueue } from "./support/workerTestQueue.js";

describe("resolveWorkerSettings", () => {
  const definitions = { email: testQueue("email"), resize_image: testQueue("resize_image") };

  // The compiler refuses the key in a typed call; at run time it means generated code older than the config.
  it("issue 12 #4: a handler for a queue with no definition names the queue, the generated ones and npx pgmq-gen", () => {
    expect(() => resolveWorkerSettings(definitions, { email: () => {}, sms: () => {} })).toThrow(
      'pgmq-gen worker: a handler is given for queue "sms", which has no queue definition (the generated queues are email, resize_image); ' +
        'if "sms" is in your pgmq config, run `npx pgmq-gen` to regenerate, then restart',
    );
  });

  it("issue 13 #4: a definition without a backoff that retries uses the default backoff; one with a backoff keeps it", () => {
    const { backoff: _dropped, ...withoutBackoff } = testQueue("email").options;
    const fixed = { kind: "fixed", delay: 7 } as const;
    const settings = resolveWorkerSettings(
      {
        email: { ...testQueue("email"), options: { ...withoutBackoff, maxRetries: 3 } },
        resize_image: testQueue("resize_image", { backoff: fixed }),
      },
      { email: () => {}, resize_image: () => {} },
    );
    expect(settings.queues.map((queue) => [queue.name, queue.backoff])).toEqual([
      ["email", QUEUE_DEFAULTS.backoff],
      ["resize_image", fixed],
    ]);
  });
});

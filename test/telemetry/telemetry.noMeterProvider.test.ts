/**
 * `@opentelemetry/api` installed (as another package of the application may
 * bring it) but no SDK registered: a worker makes no queue-depth query, so
 * nothing runs on the database and nothing reaches the logger for a gauge
 * nobody reads. The depth query is made to fail here (the archive's
 * `archived_at` renamed), so a query, had one run, would be an `error` event.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import type { WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { testQueue, waitFor } from "../worker/support/workerTestQueue.js";

const db = useTestDatabase("telemetry_no_meter");
beforeAll(() => {
  configure({ pool: db.pool });
});

describe("issue 15 #7: no MeterProvider registered", () => {
  it("issue 15 #7: a worker with the depth gauge on never queries the queue's depth", async () => {
    const queue = "no_meter";
    await db.pgmq.ensureQueue(queue);
    await db.pool.query(`ALTER TABLE pgmq.a_${queue} RENAME COLUMN archived_at TO archived_when`);
    const definition = testQueue(queue, { onSuccess: "delete" });
    const errors: unknown[] = [];
    const completes: WorkerEvents["job:complete"][0][] = [];
    const worker = db.track(
      createQueueWorker(
        { [queue]: definition },
        { [queue]: () => undefined },
        {
          pool: db.pool,
          pollInterval: 50,
          telemetry: { depthIntervalMs: 20 },
        },
      ),
    );
    worker.on("error", (error) => errors.push(error));
    worker.on("job:complete", (event) => completes.push(event));
    await worker.start();
    await createProducer(definition).pushBatch([{ n: 1 }, { n: 2 }]);
    await waitFor(() => completes.length === 2, 10_000, "two completions");
    // Many depth intervals: a gauge on a timer would have queried, and failed, by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await worker.stop();
    expect(errors).toEqual([]);
  });
});

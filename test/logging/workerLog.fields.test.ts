/**
 * The logger option as an application uses it: a pino- or console-shaped
 * object gets the structured fields first and the message second, fields a
 * JSON logger can write (no bigint); `logger: false` silences a worker;
 * `configure({ logger })` is the default for workers without one; a logger
 * that is not one fails at once; a logger that throws never breaks a job.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { UnrecoverableError } from "../../packages/runtime/src/errors.js";
import type { Logger } from "../../packages/runtime/src/logging/logger.js";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import type { Worker } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testQueue, type TestJob, waitFor } from "../worker/support/workerTestQueue.js";
import { recordingLogger } from "./support/recordingLogger.js";

let db: TestDatabase;
let pgmq: PgmqClient;
const workers: Worker[] = [];

beforeAll(async () => {
  db = await createTestDatabase("worker_log_fields");
  pgmq = new PgmqClient(db.pool);
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  configure({ logger: false });
});

afterAll(async () => {
  await db?.drop();
});

function handlers(queue: string) {
  return {
    [queue]: (job: TestJob) => {
      if (job.n === 2) throw new Error("flaky");
      if (job.n === 3) throw new UnrecoverableError("gone for good");
    },
  };
}

function startWorker(queue: string, options: object): Worker {
  const worker = createQueueWorker(
    [testQueue(queue, { maxRetries: 1, backoff: { kind: "fixed", delay: 0.1 } })],
    handlers(queue),
    {
      pool: db.pool,
      pollInterval: 50,
      ...options,
    },
  );
  workers.push(worker);
  return worker;
}

describe("the logger option", () => {
  it("issue 12 #2: fields first, message second; every field survives JSON.stringify (pino's JSON lines)", async () => {
    const logger = recordingLogger();
    const worker = startWorker("fields_q", { logger });
    await worker.start();
    const [failing] = await pgmq.sendBatch("fields_q", [{ n: 2 }]);
    await waitFor(
      () => logger.entries.some((entry) => entry.fields.event === "job:kill"),
      10_000,
      "the kill to be logged",
    );

    const fail = logger.entries.find((entry) => entry.fields.event === "job:fail")!;
    expect(fail.level).toBe("warn");
    expect(fail.fields).toMatchObject({
      queue: "fields_q",
      msgId: String(failing),
      attempt: 1,
      maxAttempts: 2,
      retryInSeconds: 0.1,
    });
    expect(fail.fields.err).toBeInstanceOf(Error);
    expect(fail.message).toBe(`fields_q message ${failing} failed (attempt 1 of 2): flaky; retry in 100 ms`);
    const kill = logger.entries.find((entry) => entry.fields.event === "job:kill")!;
    expect(kill).toMatchObject({ level: "error", fields: { queue: "fields_q", attempt: 2, deadLetter: null } });
    expect(kill.message).toMatch(
      /killed on attempt 2, deleted \(the queue has no dead-letter queue\): failed on its last attempt/,
    );
    const started = logger.entries[0]!;
    expect(started).toMatchObject({
      level: "info",
      fields: { event: "worker:start", queues: ["fields_q"], concurrency: 10 },
    });
    for (const entry of logger.entries) expect(() => JSON.stringify(entry.fields)).not.toThrow();
  });

  it("issue 12 #2: logger: false logs nothing, and overrides configure()'s logger", async () => {
    const configured = recordingLogger();
    configure({ logger: configured });
    const worker = startWorker("silent_q", { logger: false });
    const kills: unknown[] = [];
    worker.on("job:kill", (event) => kills.push(event));
    await worker.start();
    await pgmq.sendBatch("silent_q", [{ n: 3 }]);
    await waitFor(() => kills.length === 1, 10_000, "the kill event");
    await worker.stop();
    expect(configured.entries).toEqual([]);
  });

  it("issue 12 #2: configure({ logger }) is used by a worker given none", async () => {
    const configured = recordingLogger();
    configure({ logger: configured });
    const worker = startWorker("configured_q", {});
    await worker.start();
    await pgmq.sendBatch("configured_q", [{ n: 3 }]);
    await waitFor(
      () => configured.entries.some((entry) => entry.fields.event === "job:kill"),
      10_000,
      "the kill to be logged",
    );
    await worker.stop();
    expect(configured.entries.map((entry) => entry.fields.event)).toEqual([
      "worker:start",
      "job:kill",
      "worker:stopping",
      "worker:stopped",
    ]);
  });

  it("issue 12 #2: something that is not a logger fails at createWorker and configure, naming what it lacks", () => {
    const missing = { info: () => {}, warn: () => {} };
    expect(() => startWorker("bad_q", { logger: missing })).toThrow(
      /pgmq-gen worker: logger must be false or an object with debug, info, warn and error methods .*; it has no debug, error/,
    );
    expect(() => startWorker("bad_q", { logger: true })).toThrow(TypeError);
    expect(() => startWorker("bad_q", { logger: null })).toThrow(TypeError);
    expect(() => configure({ logger: "stderr" as never })).toThrow(/pgmq-gen configure: logger must be false/);
  });

  it("issue 12 #2: a logger that throws loses its line, never the job", async () => {
    const throwing: Logger = {
      debug: () => {
        throw new Error("disk full");
      },
      info: () => {
        throw new Error("disk full");
      },
      warn: () => {
        throw new Error("disk full");
      },
      error: () => {
        throw new Error("disk full");
      },
    };
    const worker = startWorker("throwing_q", { logger: throwing });
    const ended: string[] = [];
    worker.on("job:complete", () => ended.push("done"));
    worker.on("job:kill", () => ended.push("killed"));
    await worker.start();
    await pgmq.sendBatch("throwing_q", [{ n: 1 }, { n: 3 }]);
    await waitFor(() => ended.length === 2, 10_000, "both jobs to end");
    expect(ended.sort()).toEqual(["done", "killed"]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.q_throwing_q");
    expect(rows[0].n).toBe(0);
  });
});

/**
 * Durations past 2^31 ms (Node's timer limit): a long jobTimeout, pollInterval
 * or shutdownTimeout means long, not "fire after 1 ms"; durations PostgreSQL
 * cannot add to a timestamp are refused at createQueueWorker, naming the option.
 */
import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import type { JobContext, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, deferred, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_long_durations");

const TWO_TO_THE_31 = 2 ** 31;

describe("long durations", () => {
  it("round two #3: a jobTimeout of 3,000,000 s lets the job run to completion", async () => {
    const name = "long_job_timeout";
    const definition = testQueue(name, { jobTimeout: 3_000_000, maxRetries: 0 });
    let aborted = false;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (_job: TestJob, ctx: JobContext) => {
          ctx.signal.addEventListener("abort", () => (aborted = true));
          await sleep(300);
        },
      },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const completes: WorkerEvents["job:complete"][0][] = [];
    const kills: WorkerEvents["job:kill"][0][] = [];
    worker.on("job:complete", (event) => completes.push(event));
    worker.on("job:kill", (event) => kills.push(event));
    await worker.start();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    await waitFor(() => completes.length + kills.length > 0, 10_000, "the job to end");
    expect(kills).toEqual([]);
    expect(aborted).toBe(false);
    expect(completes.map((event) => event.msgId)).toEqual([msgId]);
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
  });

  it("round two #3: a pollInterval of 2^31 ms does not turn into a busy poll", async () => {
    const name = "long_poll_interval";
    const definition = testQueue(name);
    await db.pgmq.ensureQueue(name);
    // Every statement the worker runs checks a client out of its pool: count the checkouts.
    const { default: pg } = await import("pg");
    const pool = new pg.Pool({ connectionString: db.url, max: 4 });
    let checkouts = 0;
    pool.on("acquire", () => (checkouts += 1));
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: () => {} },
      {
        pool,
        pollInterval: TWO_TO_THE_31,
        listen: false,
      },
    );
    db.track(worker);
    try {
      await worker.start();
      await sleep(200);
      const before = checkouts;
      await sleep(2000);
      // A 1 ms poll made ~1,000 reads in 2 s; a 2^31 ms one makes none once the first read is done.
      expect(checkouts - before).toBeLessThanOrEqual(2);
    } finally {
      await worker.stop();
      await pool.end();
    }
  });

  it("round two #3: a shutdownTimeout past 2^31 ms lets stop() wait for a slow handler", async () => {
    const name = "long_shutdown_timeout";
    const definition = testQueue(name);
    const started = deferred();
    let abortedAfterMs: number | null = null;
    let finished = false;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (_job: TestJob, ctx: JobContext) => {
          const startedAt = Date.now();
          ctx.signal.addEventListener("abort", () => (abortedAfterMs = Date.now() - startedAt));
          started.resolve();
          await sleep(1500);
          finished = true;
        },
      },
      { pool: db.pool, pollInterval: 50, shutdownTimeout: TWO_TO_THE_31 + 1000 },
    );
    db.track(worker);
    await worker.start();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    await started.promise;
    const stopStartedAt = Date.now();
    await worker.stop();
    expect(abortedAfterMs).toBeNull();
    expect(finished).toBe(true);
    expect(Date.now() - stopStartedAt).toBeGreaterThanOrEqual(1200);
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
  });

  it("round two #3: durations PostgreSQL cannot add to a timestamp are refused, naming the option", () => {
    const name = "long_refused";
    const create =
      (options: Parameters<typeof testQueue>[1], workerOptions = {}) =>
      () =>
        createQueueWorker(
          { [name]: testQueue(name, options) },
          { [name]: () => {} },
          { pool: db.pool, ...workerOptions },
        );
    expect(create({ visibilityTimeout: 1e13 })).toThrow(/queues\.long_refused\.visibilityTimeout.*at most 1000000000/);
    expect(create({}, { queues: { [name]: { visibilityTimeout: 1e13 } } })).toThrow(
      /queues\.long_refused\.visibilityTimeout/,
    );
    expect(create({ backoff: { kind: "fixed", delay: 1e13 } })).toThrow(/long_refused.*backoff\.delay/);
    expect(create({ backoff: { kind: "exponential", initial: 1, factor: 2, max: 1e13, jitter: false } })).toThrow(
      /long_refused.*backoff\.max/,
    );
    expect(create({ jobTimeout: Number.POSITIVE_INFINITY })).toThrow(/long_refused.*jobTimeout/);
    expect(create({}, { shutdownTimeout: Number.POSITIVE_INFINITY })).toThrow(/shutdownTimeout/);
    expect(create({}, { pollInterval: Number.NaN })).toThrow(/pollInterval/);
  });

  it("round two (hostile) #5: a runtime visibilityTimeout override must be whole seconds >= 1, as in the config", () => {
    const name = "vt_fraction";
    const create = (visibilityTimeout: number) => () =>
      createQueueWorker(
        { [name]: testQueue(name) },
        { [name]: () => {} },
        {
          pool: db.pool,
          queues: { [name]: { visibilityTimeout } },
        },
      );
    for (const value of [0.001, 0.5, 1.5]) {
      expect(create(value)).toThrow(
        new RegExp(`queues\\.vt_fraction\\.visibilityTimeout must be a positive whole number of seconds.*got ${value}`),
      );
    }
    expect(create(1)).not.toThrow();
  });
});

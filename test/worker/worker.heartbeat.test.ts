/**
 * A job that runs longer than its visibility timeout keeps its message
 * hidden (the heartbeat extends it), so no second worker gets it.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { LeaseExpiredWarning } from "../../packages/runtime/src/errors.js";
import type { JobContext } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, queueRows, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_heartbeat");

describe("the visibility heartbeat", () => {
  it("keeps a 5 s job with a 2 s visibility timeout away from a second worker", async () => {
    const name = "long_job";
    const definition = testQueue(name, { visibilityTimeout: 2 });
    const runs: Array<{ worker: string; attempt: number }> = [];
    const handlerFor = (worker: string) => async (job: TestJob, ctx: JobContext) => {
      runs.push({ worker, attempt: ctx.attempt });
      await sleep(job.sleepMs ?? 0);
    };
    const first = createQueueWorker(
      { [name]: definition },
      { [name]: handlerFor("first") },
      {
        pool: db.pool,
        pollInterval: 100,
      },
    );
    db.track(first);
    await first.start();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1, sleepMs: 5000 }));
    await waitFor(() => runs.length === 1, 5_000, "the first worker to start the job");

    const second = createQueueWorker(
      { [name]: definition },
      { [name]: handlerFor("second") },
      {
        pool: db.pool,
        pollInterval: 100,
      },
    );
    db.track(second);
    await second.start();

    // While the job runs, its message is never visible.
    const completed = new Promise<void>((resolve) => first.on("job:complete", () => resolve()));
    let done = false;
    void completed.then(() => (done = true));
    let checks = 0;
    while (!done) {
      const [row] = await queueRows(db.pool, name);
      if (row === undefined) break;
      expect(row.visibleIn).toBeGreaterThan(0);
      checks += 1;
      await sleep(200);
    }
    await completed;
    expect(checks).toBeGreaterThan(15);
    expect(runs).toEqual([{ worker: "first", attempt: 1 }]);
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
    const { rows } = await db.pool.query(`SELECT read_ct FROM pgmq.a_${name}`);
    expect(rows[0].read_ct).toBe(1);
  });

  it("keeps prefetched messages hidden while they wait in the buffer past their visibility timeout", async () => {
    const name = "prefetch_wait";
    // One slot, six messages read at once, 400 ms each: the last waits ~2 s in the buffer, twice its 1 s timeout.
    const definition = testQueue(name, { visibilityTimeout: 1 });
    await db.pgmq.ensureQueue(name);
    const ids = await db.pgmq.sendBatch(
      name,
      [1, 2, 3, 4, 5, 6].map((n) => definition.codec.encode({ n, sleepMs: 400 })),
    );
    const runs: Array<{ n: number; attempt: number }> = [];
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (job: TestJob, ctx: JobContext) => {
          runs.push({ n: job.n, attempt: ctx.attempt });
          await sleep(job.sleepMs ?? 0);
        },
      },
      { pool: db.pool, concurrency: 1, batchSize: 10, pollInterval: 100 },
    );
    db.track(worker);
    await worker.start();
    await waitFor(async () => (await archivedIds(db.pool, name)).length === 6, 10_000, "all six jobs to finish");
    // Each ran once, on its first delivery: none reappeared while buffered.
    expect(runs).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n, attempt: 1 })));
    expect(await archivedIds(db.pool, name)).toEqual(ids);
  });

  it("round two (hostile) #1: an extension that waits for a connection of an exhausted pool is reported as that, not as a blocked event loop", async () => {
    const name = "hb_pool_exhausted";
    const definition = testQueue(name, { visibilityTimeout: 1 });
    const pool = new pg.Pool({ connectionString: db.url, max: 3 });
    const warnings: LeaseExpiredWarning[] = [];
    let done = false;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async () => {
          // Takes every connection of the worker's pool for 2.5 s (the event loop stays free): the heartbeat cannot extend.
          const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
          await sleep(2500);
          for (const client of clients) client.release();
          done = true;
        },
      },
      { pool, concurrency: 1, pollInterval: 50, listen: false },
    );
    worker.on("error", (error) => {
      if (error instanceof LeaseExpiredWarning) warnings.push(error);
    });
    try {
      await worker.start();
      await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
      await waitFor(() => (done && warnings.length > 0) || undefined, 15_000, "the handler and its warning");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).not.toMatch(/event loop/);
      expect(warnings[0]!.message).toMatch(/waited for a connection: every connection of the worker's pool was in use/);
    } finally {
      await worker.stop();
      await pool.end();
    }
  });
});

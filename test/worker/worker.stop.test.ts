/**
 * Graceful stop: no more reads, messages taken but not started released at
 * once, running jobs finished (up to shutdownTimeout, then aborted), acks written.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { AckLostError } from "../../packages/runtime/src/errors.js";
import { settlesWithin } from "../../packages/runtime/src/longTimeout.js";
import type { JobContext, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, deferred, queueRows, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_stop");

describe("worker.stop()", () => {
  it("makes messages read during the stop visible again at once, without running them", async () => {
    const name = "stop_prefetched";
    const definition = testQueue(name, { visibilityTimeout: 30 });
    await db.pgmq.ensureQueue(name);
    const ids = await db.pgmq.sendBatch(
      name,
      [1, 2, 3].map((n) => definition.codec.encode({ n })),
    );
    // Hold the queue table so the worker's read blocks, then stop while it waits:
    // the read returns its messages after stop() began.
    const locker = await db.pool.connect();
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE pgmq.q_${name} IN ACCESS EXCLUSIVE MODE`);
    const ran: number[] = [];
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: (job: TestJob) => void ran.push(job.n) },
      {
        pool: db.pool,
        pollInterval: 50,
      },
    );
    db.track(worker);
    await worker.start();
    await waitFor(
      async () => {
        const { rows } = await db.pool.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return rows.length > 0;
      },
      10_000,
      "the worker's read to wait on the lock",
    );
    const stopping = worker.stop();
    await sleep(100);
    await locker.query("COMMIT");
    locker.release();
    const stopStartedAt = Date.now();
    await stopping;
    expect(Date.now() - stopStartedAt).toBeLessThan(5000);
    expect(ran).toEqual([]);
    const rows = await queueRows(db.pool, name);
    expect(rows.map((row) => row.msgId)).toEqual(ids);
    for (const row of rows) {
      // Read once (read_ct 1), but visible now rather than in 30 s.
      expect(row.readCt).toBe(1);
      expect(row.visibleIn).toBeLessThanOrEqual(0.5);
    }
  });

  it("waits for running jobs to finish and writes their acks before resolving", async () => {
    const name = "stop_waits";
    const definition = testQueue(name);
    const started = deferred();
    let finished = false;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async () => {
          started.resolve();
          await sleep(1000);
          finished = true;
        },
      },
      { pool: db.pool, pollInterval: 50, shutdownTimeout: 10_000 },
    );
    db.track(worker);
    await worker.start();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    await started.promise;
    const stopStartedAt = Date.now();
    const [first, second] = [worker.stop(), worker.stop()];
    await Promise.all([first, second]);
    expect(first).toBe(second);
    expect(finished).toBe(true);
    expect(Date.now() - stopStartedAt).toBeGreaterThanOrEqual(800);
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
    // A third call after the stop resolves too.
    await worker.stop();
  });

  it("aborts running jobs' signals once shutdownTimeout passes, and their messages come back", async () => {
    const name = "stop_aborts";
    const definition = testQueue(name, { backoff: { kind: "fixed", delay: 0 } });
    const started = deferred();
    let abortReason: unknown;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (_job: TestJob, ctx: JobContext) => {
          started.resolve();
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
          abortReason = ctx.signal.reason;
          throw ctx.signal.reason;
        },
      },
      { pool: db.pool, pollInterval: 50, shutdownTimeout: 300 },
    );
    db.track(worker);
    const fails: WorkerEvents["job:fail"][0][] = [];
    worker.on("job:fail", (event) => fails.push(event));
    await worker.start();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    await started.promise;
    const stopStartedAt = Date.now();
    await worker.stop();
    const took = Date.now() - stopStartedAt;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(3000);
    expect((abortReason as Error).name).toBe("WorkerStoppingError");
    expect(fails.map((event) => event.msgId)).toEqual([msgId]);
    const [row] = await queueRows(db.pool, name);
    expect(row!.msgId).toBe(msgId);
    expect(row!.readCt).toBe(1);
    expect(row!.visibleIn).toBeLessThanOrEqual(0.5);
  });

  it("round two #12: a handler that ignores its aborted signal does not hold stop() past shutdownTimeout + 2 s", async () => {
    const name = "stop_ignored_signal";
    const definition = testQueue(name, { backoff: { kind: "fixed", delay: 0 } });
    const started = deferred();
    const released = deferred();
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async () => {
          started.resolve();
          // Ignores ctx.signal: returns only when the test lets it.
          await released.promise;
        },
      },
      { pool: db.pool, pollInterval: 50, shutdownTimeout: 1000 },
    );
    db.track(worker);
    await worker.start();
    await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    await started.promise;
    const stopStartedAt = Date.now();
    await worker.stop();
    const took = Date.now() - stopStartedAt;
    released.resolve();
    // The documented bound: shutdownTimeout, then STOP_GRACE_MS (2 s) for aborted handlers and acks.
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(1000 + 2000 + 1000);
  });

  it.each([
    ["a plain queue", false],
    ["a transactional queue", true],
  ])(
    "round two (hostile) #6: a handler left behind by stop() (%s) that returns later is reported once, truthfully, and touches no pool",
    async (_label, transactional) => {
      const name = transactional ? "stop_left_behind_tx" : "stop_left_behind";
      const definition = testQueue(name, { visibilityTimeout: 1, transactional });
      const pool = new pg.Pool({ connectionString: db.url, max: 5 });
      const started = deferred();
      const released = deferred();
      const returned = deferred();
      const worker = createQueueWorker(
        { [name]: definition },
        {
          [name]: async () => {
            started.resolve();
            // Ignores ctx.signal; returns after its visibility timeout passed, once the pool is ended.
            await released.promise;
            returned.resolve();
          },
        },
        { pool, concurrency: 1, pollInterval: 50, shutdownTimeout: 200 },
      );
      const errors: unknown[] = [];
      worker.on("error", (error) => errors.push(error));
      worker.on("job:complete", (event) => errors.push(event));
      await worker.start();
      const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
      await started.promise;
      await worker.stop();
      errors.length = 0;
      // A transactional handler still holds its client: ending the pool waits for it, so end it in the background.
      const ended = pool.end();
      await sleep(1500);
      released.resolve();
      await returned.promise;
      await settlesWithin(ended, 5000);
      await sleep(300);
      expect(errors.map((error) => String((error as Error).message))).toEqual([
        expect.stringMatching(
          /finished after stop\(\) had returned.*no ack was attempted.*delivered again after its visibility timeout/,
        ),
      ]);
      expect(errors[0]).toBeInstanceOf(AckLostError);
      expect(errors[0]).toMatchObject({ reason: "workerStopped", msgId });
      // Not acked: the message is still in its queue, to be delivered again.
      expect((await queueRows(db.pool, name)).map((row) => row.msgId)).toEqual([msgId]);
      expect(await archivedIds(db.pool, name)).toEqual([]);
    },
  );

  it("stops a worker that was never started, and refuses to start after stop", async () => {
    const name = "stop_unstarted";
    const worker = createQueueWorker({ [name]: testQueue(name) }, { [name]: () => {} }, { pool: db.pool });
    await worker.stop();
    await expect(worker.start()).rejects.toThrow(/start\(\) after stop\(\)/);
  });
});

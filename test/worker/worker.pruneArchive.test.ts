/**
 * A worker prunes the archives of its queues with an `archiveRetention`
 * (issue 15 §3): on its own timer, in batches, reporting each pass on
 * `archive:prune` and failures on `error`, and stop() leaves no pass or
 * timer behind.
 */
import { describe, expect, it } from "vitest";
import type { Logger } from "../../packages/runtime/src/logging/logger.js";
import type { QueueOptions, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { testQueue, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_prune_archive");

type PruneEvent = WorkerEvents["archive:prune"][0];

/**
 * `old` rows archived 2 hours ago and older, `young` rows archived seconds
 * ago, with ids from 1,000,001: clear of the ids the queue hands out.
 */
async function fillArchive(queue: string, old: number, young: number): Promise<void> {
  await db.pgmq.ensureQueue(queue);
  await db.pool.query(
    `INSERT INTO pgmq.a_${queue} (msg_id, archived_at, enqueued_at, vt, message)
     SELECT 1000000 + i, at, at, at, jsonb_build_object('n', i)
       FROM generate_series(1, $1::int + $2::int) AS i,
            LATERAL (SELECT CASE WHEN i <= $1::int THEN now() - interval '2 hours' - i * interval '1 second'
                                 ELSE now() - (i - $1::int) * interval '1 second' END AS at) AS a`,
    [old, young],
  );
}

async function archiveCount(queue: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgmq.a_${queue}`);
  return rows[0]!.n;
}

function startWorker(
  name: string,
  options: Partial<QueueOptions>,
  workerOptions: { pruneArchive?: boolean; pruneInterval?: number; shutdownTimeout?: number; logger?: Logger } = {},
) {
  const ran: number[] = [];
  const pruned: PruneEvent[] = [];
  const errors: unknown[] = [];
  const worker = createQueueWorker(
    { [name]: testQueue(name, options) },
    { [name]: (job: { n: number }) => void ran.push(job.n) },
    { pool: db.pool, pollInterval: 50, logger: false, pruneInterval: 100, ...workerOptions },
  );
  db.track(worker);
  worker.on("archive:prune", (event) => pruned.push(event));
  worker.on("error", (error) => errors.push(error));
  return { worker, ran, pruned, errors };
}

describe("worker archive pruning", () => {
  it("issue 15 #3: prunes rows older than archiveRetention on its own, keeps the young ones and the jobs it just archived", async () => {
    const name = "pruned_by_worker";
    await fillArchive(name, 2500, 20);
    const { worker, ran, pruned, errors } = startWorker(name, { archiveRetention: 3600 });
    await worker.start();
    await db.pgmq.sendBatch(name, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await waitFor(() => pruned.some((event) => event.deleted > 0), 20_000, "a pass that deletes");
    await waitFor(() => ran.length === 3, 20_000, "the three jobs");
    // The 2,500 old rows went (batches of 1000), the 20 young ones and the 3 new archives stayed.
    await waitFor(async () => (await archiveCount(name)) === 23, 20_000, "the archive to hold only young rows");
    expect(pruned.reduce((sum, event) => sum + event.deleted, 0)).toBe(2500);
    const first = pruned.find((event) => event.deleted > 0)!;
    expect(first).toMatchObject({ queue: name, lockBusy: false });
    expect(first.batches).toBeGreaterThanOrEqual(3);
    // Archived jobs set back in time go at a later pass.
    await db.pool.query(`UPDATE pgmq.a_${name} SET archived_at = now() - interval '2 hours' WHERE msg_id <= 3`);
    await waitFor(async () => (await archiveCount(name)) === 20, 20_000, "the aged archives to go");
    expect(errors).toEqual([]);
    await worker.stop();
  });

  it("issue 15 #3: pruneArchive: false, or no archiveRetention, leaves the archive alone", async () => {
    await fillArchive("prune_off", 100, 0);
    await fillArchive("kept_forever", 100, 0);
    const off = startWorker("prune_off", { archiveRetention: 60 }, { pruneArchive: false });
    const forever = startWorker("kept_forever", {});
    await off.worker.start();
    await forever.worker.start();
    // Many pruneIntervals (100 ms), and past the first-pass window of a 100 ms interval.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(off.pruned).toEqual([]);
    expect(forever.pruned).toEqual([]);
    expect(await archiveCount("prune_off")).toBe(100);
    expect(await archiveCount("kept_forever")).toBe(100);
    await Promise.all([off.worker.stop(), forever.worker.stop()]);
  });

  it("issue 15 #3: a failing pass reaches error and the logger, names the queue, and the worker keeps running jobs", async () => {
    const name = "prune_fails";
    await db.pgmq.ensureQueue(name);
    // The archive without the column the prune walks: every batch fails.
    await db.pool.query(`ALTER TABLE pgmq.a_${name} RENAME COLUMN archived_at TO archived_on`);
    const lines: string[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (_fields, message) => void lines.push(String(message)),
      error: (_fields, message) => void lines.push(String(message)),
    };
    const { worker, ran, errors } = startWorker(name, { archiveRetention: 60, onSuccess: "delete" }, { logger });
    await worker.start();
    // The depth gauge's status query (telemetry is on: @opentelemetry/api is installed) fails on the same
    // table, usually first: the pruner's own reports are counted.
    const pruneErrors = () =>
      errors.filter((error) => String((error as Error).message).includes('pruning the archive of queue "prune_fails"'));
    await waitFor(() => pruneErrors().length >= 2, 20_000, "two failed passes");
    expect(String((pruneErrors()[0] as Error).message)).toMatch(
      /pruning the archive of queue "prune_fails" failed: .*archived_at/,
    );
    expect(lines.some((line) => line.includes('pruning the archive of queue "prune_fails"'))).toBe(true);
    await db.pgmq.send(name, { n: 7 });
    await waitFor(() => ran.includes(7), 20_000, "the job");
    await worker.stop();
  });

  it("issue 15 #3: stop() ends a pass after its batch under way, within shutdownTimeout + 2 s, and no pass follows", async () => {
    const name = "prune_stopped";
    await fillArchive(name, 5000, 0);
    const { worker, pruned } = startWorker(name, { archiveRetention: 60 }, { shutdownTimeout: 500 });
    // Hold the archive so the first batch waits on the lock.
    const locker = await db.pool.connect();
    await locker.query("BEGIN");
    await locker.query(`LOCK TABLE pgmq.a_${name} IN ACCESS EXCLUSIVE MODE`);
    try {
      await worker.start();
      await waitFor(
        async () => {
          const { rows } = await db.pool.query(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pg_try_advisory_xact_lock%'",
          );
          return rows.length > 0;
        },
        20_000,
        "the pruning batch to wait on the lock",
      );
      const stopStarted = Date.now();
      await worker.stop();
      expect(Date.now() - stopStarted).toBeLessThan(500 + 2000 + 1500);
    } finally {
      await locker.query("COMMIT");
      locker.release();
    }
    // The abandoned batch commits once the lock is gone; nothing runs after it.
    await waitFor(async () => (await archiveCount(name)) <= 4000, 20_000, "the batch under way to commit");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await archiveCount(name)).toBe(4000);
    expect(pruned.length).toBeLessThanOrEqual(1);
  });

  it("issue 15 #3: refuses an archiveRetention that is not seconds in range, and bad pruning options", () => {
    const make =
      (options: Partial<QueueOptions>, workerOptions: object = {}) =>
      () =>
        createQueueWorker({ q: testQueue("q", options) }, { q: () => {} }, workerOptions);
    for (const archiveRetention of [0, -1, Number.NaN, 2e9, "7d" as never]) {
      expect(make({ archiveRetention })).toThrow(/archiveRetention/);
    }
    expect(make({ archiveRetention: null })).not.toThrow();
    expect(make({}, { pruneInterval: 0 })).toThrow(/pruneInterval/);
    expect(make({}, { pruneArchive: "no" })).toThrow(/pruneArchive/);
  });
});

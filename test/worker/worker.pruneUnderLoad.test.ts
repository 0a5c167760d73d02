/**
 * Pruning under load (issue 15 §3): a worker drains and archives jobs while
 * its own pruner and an outside one (`pruneArchive` in a tight loop, as a
 * cron'd `pgmq-gen prune` would, only far more often) delete from the same
 * archive. No job is lost, no archived row is deleted twice or missed, no
 * error, no deadlock, and the archive ends holding only recent rows.
 */
import { describe, expect, it } from "vitest";
import { pruneArchive } from "../../packages/runtime/src/archivePruning.js";
import type { WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { testQueue, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_prune_load");

const JOBS = 10_000;
/** Seconds an archived row is kept. */
const RETENTION = 2;

async function deadlocks(): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(
    "SELECT deadlocks::text AS n FROM pg_stat_database WHERE datname = current_database()",
  );
  return Number(rows[0]!.n);
}

describe("pruning under load", () => {
  it("issue 15 #3: a worker archiving jobs while two pruners run: every job runs, every archived row is deleted exactly once, only recent rows stay", async () => {
    const name = "busy";
    await db.pgmq.ensureQueue(name);
    const deadlocksBefore = await deadlocks();
    const handled = new Set<number>();
    let duplicates = 0;
    const workerPruned: WorkerEvents["archive:prune"][0][] = [];
    const errors: unknown[] = [];
    const worker = createQueueWorker(
      { [name]: testQueue(name, { archiveRetention: RETENTION }) },
      {
        [name]: (job: { n: number }) => {
          if (handled.has(job.n)) duplicates++;
          handled.add(job.n);
        },
      },
      { pool: db.pool, pollInterval: 50, concurrency: 10, logger: false, pruneInterval: 100 },
    );
    db.track(worker);
    worker.on("archive:prune", (event) => workerPruned.push(event));
    worker.on("error", (error) => errors.push(error));
    await worker.start();

    // The outside pruner: small batches, a run every 50 ms, on a pool of its own.
    const outsidePool = db.openPool({ max: 1 });
    outsidePool.on("error", () => undefined);
    let outsideDeleted = 0;
    let outsideRuns = 0;
    const outsideErrors: unknown[] = [];
    let producing = true;
    const outside = (async () => {
      while (producing) {
        try {
          const result = await pruneArchive(name, { olderThanSeconds: RETENTION, batchSize: 100, db: outsidePool });
          outsideDeleted += result.deleted;
          outsideRuns++;
        } catch (error) {
          outsideErrors.push(error);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    // Jobs arrive in batches for a while, so archiving and pruning overlap throughout.
    for (let start = 0; start < JOBS; start += 250) {
      await db.pgmq.sendBatch(
        name,
        Array.from({ length: 250 }, (_, i) => ({ n: start + i })),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor(() => handled.size === JOBS, 180_000, "every job to run");
    // While jobs still come, nothing older than the retention (and a pass) is left; once they stop, nothing at all.
    const { rows: aged } = await db.pool.query<{ old: number }>(
      `SELECT count(*)::int AS old FROM pgmq.a_${name} WHERE archived_at < now() - make_interval(secs => $1::float8 + 5)`,
      [RETENTION],
    );
    expect(aged[0]!.old).toBe(0);
    await waitFor(
      async () => (await db.pool.query(`SELECT 1 FROM pgmq.a_${name} LIMIT 1`)).rows.length === 0,
      60_000,
      "the archive to empty once every row is older than the retention",
    );
    producing = false;
    await outside;
    await worker.stop();

    expect(errors).toEqual([]);
    expect(outsideErrors).toEqual([]);
    expect(duplicates).toBe(0);
    expect(await deadlocks()).toBe(deadlocksBefore);
    const { rows } = await db.pool.query<{ queued: number; archived: number }>(
      `SELECT (SELECT count(*) FROM pgmq.q_${name})::int AS queued, (SELECT count(*) FROM pgmq.a_${name})::int AS archived`,
    );
    // Every job was archived once, and every archived row was counted by exactly one pruner.
    const workerDeleted = workerPruned.reduce((sum, event) => sum + event.deleted, 0);
    expect(rows[0]!.queued).toBe(0);
    expect(rows[0]!.archived).toBe(0);
    expect(workerDeleted + outsideDeleted).toBe(JOBS);
    // Both pruners did real work.
    expect(workerDeleted).toBeGreaterThan(0);
    expect(outsideDeleted).toBeGreaterThan(0);
    expect(outsideRuns).toBeGreaterThan(10);
  }, 300_000);
});

/**
 * `pruneArchive` against PostgreSQL (issue 15 §3): archived rows older than
 * the age go, younger ones stay, in batches that each commit on their own,
 * under a per-queue advisory lock so two pruners never delete at once.
 */
import { describe, expect, it } from "vitest";
import { pruneArchive } from "../../packages/runtime/src/archivePruning.js";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { queueExists } from "../../packages/runtime/src/queueSetup.js";
import { PRUNE_LOCK_CLASS, pruneLockKey } from "../../packages/runtime/src/sql/deleteArchived.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { countRows } from "./support.js";

const db = useTestDatabase("prune_archive");

/** One day: the old rows are 2 days old and older, the young ones under an hour. */
const DAY = 86_400;

/** `old` rows archived 2 days ago and older (ids 1..old), then `young` rows archived 1 s, 2 s, ... ago. */
async function fillArchive(queue: string, old: number, young: number): Promise<void> {
  await db.pgmq.ensureQueue(queue);
  await db.pool.query(
    `INSERT INTO pgmq.a_${queue} (msg_id, archived_at, enqueued_at, vt, message)
     SELECT i, at, at - interval '1 minute', at, jsonb_build_object('n', i)
       FROM generate_series(1, $1::int + $2::int) AS i,
            LATERAL (SELECT CASE WHEN i <= $1::int THEN now() - interval '2 days' - i * interval '1 second'
                                 ELSE now() - (i - $1::int) * interval '1 second' END AS at) AS a`,
    [old, young],
  );
}

async function archivedIds(queue: string): Promise<{ low: string; high: string; count: number }> {
  const { rows } = await db.pool.query<{ low: string; high: string; count: number }>(
    `SELECT min(msg_id)::text AS low, max(msg_id)::text AS high, count(*)::int AS count FROM pgmq.a_${queue}`,
  );
  return rows[0]!;
}

describe("pruneArchive", () => {
  it("issue 15 #3: deletes the rows older than the age in batches of batchSize, keeps the younger ones", async () => {
    await fillArchive("pruned", 2500, 300);
    const result = await pruneArchive("pruned", { olderThanSeconds: DAY, batchSize: 1000, db: db.pool });
    expect(result).toMatchObject({ queue: "pruned", deleted: 2500, batches: 3, lockBusy: false, noArchive: false });
    expect(Math.abs(result.cutoff.getTime() - (Date.now() - DAY * 1000))).toBeLessThan(60_000);
    expect(await archivedIds("pruned")).toEqual({ low: "2501", high: "2800", count: 300 });
    // Nothing older is left: one batch that finds nothing.
    expect(await pruneArchive("pruned", { olderThanSeconds: DAY, db: db.pool })).toMatchObject({
      deleted: 0,
      batches: 1,
    });
    // 0 s: everything archived before the call.
    expect(await pruneArchive("pruned", { olderThanSeconds: 0, db: db.pool })).toMatchObject({ deleted: 300 });
    expect(await countRows(db.pool, "pgmq.a_pruned")).toBe(0);
  });

  it("issue 15 #3: a retention past 2^31 ms (30 days, 10^9 s) is an interval, not a timer", async () => {
    await fillArchive("long_kept", 10, 10);
    await db.pool.query("UPDATE pgmq.a_long_kept SET archived_at = now() - interval '40 days' WHERE msg_id <= 5");
    const result = await pruneArchive("long_kept", { olderThanSeconds: 30 * DAY, db: db.pool });
    expect(result.deleted).toBe(5);
    expect(await pruneArchive("long_kept", { olderThanSeconds: 1e9, db: db.pool })).toMatchObject({ deleted: 0 });
    expect(await countRows(db.pool, "pgmq.a_long_kept")).toBe(15);
  });

  it("issue 15 #3: dryRun counts what would go and deletes nothing", async () => {
    await fillArchive("dry", 1234, 10);
    const result = await pruneArchive("dry", { olderThanSeconds: DAY, dryRun: true, db: db.pool });
    expect(result).toMatchObject({ deleted: 1234, batches: 0, lockBusy: false });
    expect(await countRows(db.pool, "pgmq.a_dry")).toBe(1244);
  });

  it("issue 15 #3: while another session holds the queue's pruning lock, a prune deletes nothing and says lockBusy", async () => {
    await fillArchive("locked", 50, 5);
    const holder = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", [PRUNE_LOCK_CLASS, pruneLockKey("locked")]);
      const started = Date.now();
      const busy = await pruneArchive("locked", { olderThanSeconds: DAY, db: db.pool });
      expect(busy).toMatchObject({ deleted: 0, batches: 1, lockBusy: true });
      // It did not wait for the lock.
      expect(Date.now() - started).toBeLessThan(5000);
      // The old PgmqClient form stops there too.
      expect(await db.pgmq.deleteArchived("locked", { olderThanSeconds: DAY })).toBe(0);
      // Another queue's lock is another key.
      await fillArchive("unlocked", 5, 0);
      expect(await pruneArchive("unlocked", { olderThanSeconds: DAY, db: db.pool })).toMatchObject({ deleted: 5 });
    } finally {
      await holder.query("COMMIT");
      holder.release();
    }
    expect(await countRows(db.pool, "pgmq.a_locked")).toBe(55);
    expect(await pruneArchive("locked", { olderThanSeconds: DAY, db: db.pool })).toMatchObject({
      deleted: 50,
      lockBusy: false,
    });
  });

  it("issue 15 #3: two prunes at once never both delete: every old row is deleted exactly once, and one of them skips", async () => {
    await fillArchive("raced", 20_000, 100);
    const other = db.openPool({ max: 2 });
    other.on("error", () => undefined);
    // Connected before the race, so no run starts late for want of a connection.
    await Promise.all([other.query("SELECT 1"), other.query("SELECT 1")]);
    // Several rounds: which run skips depends on timing, but the sum never counts a row twice.
    const results = await Promise.all([
      pruneArchive("raced", { olderThanSeconds: DAY, batchSize: 500, db: db.pool }),
      pruneArchive("raced", { olderThanSeconds: DAY, batchSize: 500, db: other }),
      pruneArchive("raced", { olderThanSeconds: DAY, batchSize: 500, db: other }),
    ]);
    const deleted = results.reduce((sum, result) => sum + result.deleted, 0);
    // Runs that met the lock stopped early: finish what they left, as the next pass would.
    const rest = await pruneArchive("raced", { olderThanSeconds: DAY, batchSize: 500, db: db.pool });
    expect(deleted + rest.deleted).toBe(20_000);
    expect(results.some((result) => result.lockBusy)).toBe(true);
    expect(await archivedIds("raced")).toEqual({ low: "20001", high: "20100", count: 100 });
  });

  it("issue 15 #3: an archived row another transaction has locked is skipped, not waited for, and goes in a later run", async () => {
    await fillArchive("row_locked", 10, 0);
    const holder = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM pgmq.a_row_locked WHERE msg_id = 3 FOR UPDATE");
      const result = await pruneArchive("row_locked", { olderThanSeconds: DAY, db: db.pool });
      expect(result).toMatchObject({ deleted: 9, lockBusy: false });
    } finally {
      await holder.query("COMMIT");
      holder.release();
    }
    expect(await archivedIds("row_locked")).toEqual({ low: "3", high: "3", count: 1 });
    expect(await pruneArchive("row_locked", { olderThanSeconds: DAY, db: db.pool })).toMatchObject({ deleted: 1 });
  });

  it("issue 15 #3: an aborted signal ends the run after the batch under way", async () => {
    await fillArchive("aborted", 3000, 0);
    const controller = new AbortController();
    controller.abort();
    const result = await pruneArchive("aborted", {
      olderThanSeconds: DAY,
      batchSize: 1000,
      db: db.pool,
      signal: controller.signal,
    });
    expect(result).toMatchObject({ deleted: 1000, batches: 1 });
    expect(await countRows(db.pool, "pgmq.a_aborted")).toBe(2000);
  });

  it("issue 15 #3: a queue without an archive table has nothing to prune; a missing queue is a QueueMissingError, not created", async () => {
    await db.pgmq.ensureQueue("no_archive");
    await db.pool.query("DROP TABLE pgmq.a_no_archive");
    expect(await pruneArchive("no_archive", { olderThanSeconds: 1, db: db.pool })).toMatchObject({
      deleted: 0,
      noArchive: true,
    });
    await expect(pruneArchive("never_made", { olderThanSeconds: 1, db: db.pool })).rejects.toBeInstanceOf(
      QueueMissingError,
    );
    expect(await queueExists(db.pool, "never_made")).toBe(false);
  });

  it("issue 15 #3: refuses bad options and names, naming the option", async () => {
    for (const olderThanSeconds of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2e9, "7d" as never]) {
      await expect(pruneArchive("pruned", { olderThanSeconds, db: db.pool })).rejects.toThrow(/olderThanSeconds/);
    }
    for (const batchSize of [0, 1.5, -5, Number.NaN, 100_001]) {
      await expect(pruneArchive("pruned", { olderThanSeconds: 1, batchSize, db: db.pool })).rejects.toThrow(
        /batchSize/,
      );
    }
    await expect(pruneArchive("pruned", undefined as never)).rejects.toThrow(/olderThanSeconds/);
    await expect(pruneArchive("Bad-Name", { olderThanSeconds: 1, db: db.pool })).rejects.toBeInstanceOf(TypeError);
  });
});

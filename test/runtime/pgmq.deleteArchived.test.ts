import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { queueExists } from "../../packages/runtime/src/queueSetup.js";
import { deleteArchivedStatement } from "../../packages/runtime/src/sql/deleteArchived.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { explainStatement } from "./queryPlan.js";
import { countRows } from "./support.js";

const db = useTestDatabase("pgmq_delete_archived");

/** 1.5 h: between the young rows (up to 5,000 s old) and the old ones (2 h and older). */
const CUTOFF = 5400;

/**
 * `old` archived rows archived 2 h ago and older (one second apart), then
 * `young` archived 1 s, 2 s, ... ago: ids 1..old are the old ones.
 */
async function fillArchive(queue: string, old: number, young: number): Promise<void> {
  await db.pgmq.ensureQueue(queue);
  await db.pool.query(
    `INSERT INTO pgmq.a_${queue} (msg_id, archived_at, enqueued_at, vt, message)
     SELECT i, archived_at, archived_at - interval '1 minute', archived_at, jsonb_build_object('n', i)
       FROM generate_series(1, $1::int + $2::int) AS i,
            LATERAL (SELECT CASE WHEN i <= $1::int THEN now() - interval '2 hours' - (i * interval '1 second')
                                 ELSE now() - ((i - $1::int) * interval '1 second') END AS archived_at) AS at`,
    [old, young],
  );
  await db.pool.query(`ANALYZE pgmq.a_${queue}`);
}

/** Counts the batches `deleteArchived` sends (each its own statement). */
function countBatches(): { calls: () => number; restore: () => void } {
  const spy = vi.spyOn(pg.Client.prototype, "query");
  return {
    calls: () =>
      spy.mock.calls.filter((call) => String((call[0] as { name?: string }).name ?? "").includes("delete_archived"))
        .length,
    restore: () => spy.mockRestore(),
  };
}

describe("PgmqClient.deleteArchived", () => {
  it("issue 11 ops: deletes exactly the archived rows older than the cutoff, in batches, younger rows intact", async () => {
    await fillArchive("retained", 5000, 5000);
    const batches = countBatches();
    try {
      expect(await db.pgmq.deleteArchived("retained", { olderThanSeconds: CUTOFF, batchSize: 1000 })).toBe(5000);
      // Five full batches, then one that finds nothing.
      expect(batches.calls()).toBe(6);
    } finally {
      batches.restore();
    }
    expect(await countRows(db.pool, "pgmq.a_retained")).toBe(5000);
    const { rows } = await db.pool.query<{ low: string; high: string }>(
      "SELECT min(msg_id)::text AS low, max(msg_id)::text AS high FROM pgmq.a_retained",
    );
    expect(rows[0]).toEqual({ low: "5001", high: "10000" });
    expect(await db.pgmq.deleteArchived("retained", { olderThanSeconds: CUTOFF })).toBe(0);
  });

  it("issue 11 ops: stops after a batch that deletes fewer than batchSize; the default batch takes the rest", async () => {
    await fillArchive("partial", 4500, 100);
    const batches = countBatches();
    try {
      expect(await db.pgmq.deleteArchived("partial", { olderThanSeconds: CUTOFF, batchSize: 1000 })).toBe(4500);
      expect(batches.calls()).toBe(5);
    } finally {
      batches.restore();
    }
    expect(await db.pgmq.deleteArchived("partial", { olderThanSeconds: 0 })).toBe(100);
    expect(await countRows(db.pool, "pgmq.a_partial")).toBe(0);
  });

  it("issue 11 ops: leaves the queue itself alone", async () => {
    const ids = await db.pgmq.sendBatch("kept_live", [{ n: 1 }, { n: 2 }]);
    await db.pgmq.archive("kept_live", [ids[0]!]);
    expect(await db.pgmq.deleteArchived("kept_live", { olderThanSeconds: 0 })).toBe(1);
    expect(await countRows(db.pool, "pgmq.q_kept_live")).toBe(1);
    expect(await countRows(db.pool, "pgmq.a_kept_live")).toBe(0);
  });

  for (const mode of ["custom", "generic"] as const) {
    it(`issue 11 ops: the batch walks archived_at_idx from its start, bounded by the cutoff (${mode} plan)`, async () => {
      const queue = `planned_${mode}`;
      await fillArchive(queue, 5000, 5000);
      const statement = deleteArchivedStatement(queue);
      const plan = await explainStatement(db.pool, statement, [String(CUTOFF), "1000", "NULL"], mode);
      expect(plan.nodes.filter((node) => node["Node Type"] === "Seq Scan")).toEqual([]);
      const byArchivedAt = plan.nodes.filter((node) => node["Index Name"] === `archived_at_idx_${queue}`);
      expect(byArchivedAt).toHaveLength(1);
      expect(byArchivedAt[0]!["Node Type"]).toMatch(/^Index (Only )?Scan$/);
      // A bound, not a filter: a batch with nothing left to delete stops at the first young row.
      expect(byArchivedAt[0]!["Index Cond"]).toMatch(/archived_at </);
      expect(byArchivedAt[0]!.Filter).toBeUndefined();
      // A cutoff older than every row: the 10,000 younger rows are not visited (a filter would read them all).
      const none = await explainStatement(db.pool, statement, [String(10 * CUTOFF), "1000", "NULL"], mode);
      expect(none.buffers).toBeLessThan(20);
    });
  }

  it("issue 11 ops: refuses bad options, naming the option", async () => {
    await db.pgmq.ensureQueue("refused");
    for (const olderThanSeconds of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2e9]) {
      await expect(db.pgmq.deleteArchived("refused", { olderThanSeconds })).rejects.toThrow(/olderThanSeconds/);
    }
    for (const batchSize of [0, 1.5, -5, Number.NaN, 1e9]) {
      await expect(db.pgmq.deleteArchived("refused", { olderThanSeconds: 1, batchSize })).rejects.toThrow(/batchSize/);
    }
    await expect(db.pgmq.deleteArchived("refused", undefined as never)).rejects.toThrow(/olderThanSeconds/);
  });

  it("issue 11 ops: an unknown queue is a QueueMissingError, and is not created", async () => {
    await expect(db.pgmq.deleteArchived("never_made", { olderThanSeconds: 1 })).rejects.toBeInstanceOf(
      QueueMissingError,
    );
    expect(await queueExists(db.pool, "never_made")).toBe(false);
  });
});

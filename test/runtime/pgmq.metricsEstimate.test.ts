import type pg from "pg";
import { describe, expect, it } from "vitest";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { queueExists } from "../../packages/runtime/src/queueSetup.js";
import { queueMetricsEstimateStatement } from "../../packages/runtime/src/sql/queueMetricsEstimate.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { explainStatement } from "./queryPlan.js";

const db = useTestDatabase("pgmq_metrics_estimate");

/** The exact figures, by full scans. */
async function exact(queue: string) {
  const { rows } = await db.pool.query<{ length: number; visible: number; wait: number | null }>(
    `SELECT count(*)::int AS length, count(*) FILTER (WHERE vt <= clock_timestamp())::int AS visible,
            floor(extract(epoch FROM clock_timestamp() - min(vt) FILTER (WHERE vt <= clock_timestamp())))::int AS wait
       FROM pgmq.q_${queue}`,
  );
  return rows[0]!;
}

/**
 * Runs `work` on a client of its own, then has that backend hand its
 * table counts to the statistics system (PostgreSQL 15+ batches them for up
 * to a second or more): the live-tuple estimate then counts its writes.
 */
async function withCountedWrites(work: (client: pg.ClientBase) => Promise<void>): Promise<void> {
  const client = await db.pool.connect();
  try {
    await work(client);
    await client.query("SELECT pg_stat_force_next_flush()");
  } finally {
    client.release();
  }
}

describe("PgmqClient.metricsEstimate", () => {
  it("issue 11 ops: an empty queue", async () => {
    await db.pgmq.ensureQueue("empty");
    expect(await db.pgmq.metricsEstimate("empty")).toEqual({
      queueLengthEstimate: 0,
      visibleCount: 0,
      visibleCountCapped: false,
      oldestMsgAgeSec: null,
      oldestVisibleWaitSec: null,
      totalMessages: 0n,
    });
  });

  it("issue 11 ops: a small queue's figures match the exact ones", async () => {
    await withCountedWrites(async (client) => {
      const ids = await db.pgmq.sendBatch(
        "small",
        [1, 2, 3, 4, 5, 6].map((n) => ({ n })),
        { client },
      );
      await db.pgmq.delete("small", [ids[5]!], client);
      await client.query("UPDATE pgmq.q_small SET enqueued_at = now() - interval '90 seconds' WHERE msg_id = 1");
      await db.pgmq.read("small", 30, 2, client);
      await client.query("UPDATE pgmq.q_small SET vt = now() - interval '40 seconds' WHERE msg_id = 4");
    });
    const estimate = await db.pgmq.metricsEstimate("small");
    const counted = await exact("small");
    expect(counted).toEqual({ length: 5, visible: 3, wait: 40 });
    expect(estimate.queueLengthEstimate).toBe(counted.length);
    expect(estimate.visibleCount).toBe(counted.visible);
    expect(estimate.visibleCountCapped).toBe(false);
    expect(estimate.oldestMsgAgeSec).toBe((await db.pgmq.metrics("small")).oldestMsgAgeSec);
    expect(estimate.oldestVisibleWaitSec).toBeGreaterThanOrEqual(40);
    expect(estimate.oldestVisibleWaitSec).toBeLessThan(45);
    expect(estimate.totalMessages).toBe(6n);

    // A cap at the count is exact; below it the count stops at the cap and says so.
    expect(await db.pgmq.metricsEstimate("small", { visibleCap: 3 })).toMatchObject({
      visibleCount: 3,
      visibleCountCapped: false,
    });
    expect(await db.pgmq.metricsEstimate("small", { visibleCap: 2 })).toMatchObject({
      visibleCount: 2,
      visibleCountCapped: true,
    });
  });

  it("issue 11 ops: without statistics, the length falls back to reltuples (-1 before any ANALYZE: the visible count)", async () => {
    await withCountedWrites(async (client) => {
      await db.pgmq.sendBatch(
        "unanalysed",
        [1, 2, 3, 4].map((n) => ({ n })),
        { client, delay: 3600 },
      );
      await db.pgmq.send("unanalysed", { n: 5 }, { client });
    });
    await db.pool.query("SELECT pg_stat_reset_single_table_counters('pgmq.q_unanalysed'::regclass)");
    const { rows } = await db.pool.query("SELECT reltuples FROM pg_class WHERE oid = 'pgmq.q_unanalysed'::regclass");
    expect(rows[0].reltuples).toBe(-1);
    expect((await db.pgmq.metricsEstimate("unanalysed")).queueLengthEstimate).toBe(1);
    await db.pool.query("ANALYZE pgmq.q_unanalysed");
    await db.pool.query("SELECT pg_stat_reset_single_table_counters('pgmq.q_unanalysed'::regclass)");
    expect((await db.pgmq.metricsEstimate("unanalysed")).queueLengthEstimate).toBe(5);
  });

  it("issue 11 ops: at 100k messages, mostly delayed, no statement scans the queue and the count stops at the cap", async () => {
    await db.pgmq.ensureQueue("deep");
    // Counted before ANALYZE: counts a backend hands over after an ANALYZE are added to its figure again.
    await withCountedWrites(async (client) => {
      // 5,000 visible (every 20th id, waiting 1 to 5,000 s), 95,000 delayed by an hour.
      await client.query(
        `INSERT INTO pgmq.q_deep (enqueued_at, vt, message)
         SELECT now() - interval '2 hours', CASE WHEN i % 20 = 0 THEN now() - (i / 20) * interval '1 second'
                                                ELSE now() + interval '1 hour' END, jsonb_build_object('n', i)
           FROM generate_series(1, 100000) AS i`,
      );
    });
    await db.pool.query("ANALYZE pgmq.q_deep");
    const estimate = await db.pgmq.metricsEstimate("deep", { visibleCap: 1000 });
    expect(estimate.visibleCount).toBe(1000);
    expect(estimate.visibleCountCapped).toBe(true);
    expect(estimate.oldestVisibleWaitSec).toBeGreaterThanOrEqual(5000);
    expect(estimate.oldestVisibleWaitSec).toBeLessThan(5005);
    expect(estimate.oldestMsgAgeSec).toBeGreaterThanOrEqual(7200);
    expect(Math.abs(estimate.queueLengthEstimate - 100_000)).toBeLessThan(10_000);
    expect((await db.pgmq.metricsEstimate("deep")).visibleCount).toBe(5000);

    const statement = queueMetricsEstimateStatement("deep");
    for (const mode of ["custom", "generic"] as const) {
      const plan = await explainStatement(db.pool, statement, ["1000", "'pgmq.q_deep'"], mode);
      expect(
        plan.nodes.filter((node) => node["Node Type"] === "Seq Scan"),
        mode,
      ).toEqual([]);
      const byVt = plan.nodes.filter((node) => node["Index Name"] === "q_deep_vt_idx");
      expect(byVt, mode).toHaveLength(2);
      for (const node of byVt) expect(node["Index Cond"], mode).toMatch(/vt <=/);
      // 1,001 vt-index entries and their heap pages (every 20th row: ~230), not the table's ~1,000 pages.
      expect(plan.buffers, mode).toBeLessThan(400);
    }
  });

  it("issue 11 ops: refuses a bad visibleCap, naming it; an unknown queue is a QueueMissingError, not created", async () => {
    await db.pgmq.ensureQueue("refused");
    for (const visibleCap of [0, -1, 2.5, Number.NaN, 1e7]) {
      await expect(db.pgmq.metricsEstimate("refused", { visibleCap })).rejects.toThrow(/visibleCap/);
    }
    await expect(db.pgmq.metricsEstimate("never_made")).rejects.toBeInstanceOf(QueueMissingError);
    expect(await queueExists(db.pool, "never_made")).toBe(false);
  });
});

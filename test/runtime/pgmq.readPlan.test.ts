/**
 * Issue 11 (deep queues): what the runtime's statements cost must not depend
 * on how many messages wait behind the visible ones. Checked on the plans
 * PostgreSQL picks (custom, as the plan cache does for these statements, and
 * a forced generic plan): the index each uses, the rows its scans touch and
 * the buffers it reads. Buffer counts, not times, so a loaded machine cannot
 * make these pass or fail.
 */
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../packages/runtime/src/queueSetup.js";
import { deadLetterMessagesStatement } from "../../packages/runtime/src/sql/deadLetterMessages.js";
import { archiveMessagesStatement } from "../../packages/runtime/src/sql/archiveMessages.js";
import { deleteDeliveriesStatement, deleteMessagesStatement } from "../../packages/runtime/src/sql/deleteMessages.js";
import { type QueueColumns, readQueueColumns } from "../../packages/runtime/src/sql/queueColumns.js";
import { readMessagesStatement, readMessagesWithinStatement } from "../../packages/runtime/src/sql/readMessages.js";
import {
  setDeliveryVisibilityStatement,
  setVisibilityStatement,
} from "../../packages/runtime/src/sql/setVisibility.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import {
  describePlan,
  type ExplainedPlan,
  explainStatement,
  type PlanMode,
  rowsFilteredOut,
  scansOf,
} from "./queryPlan.js";

const DELAYED = 100_000;
const MODES: PlanMode[] = ["custom", "generic"];

const db = useTestDatabase("pgmq_read_plan");
const columns = new Map<string, QueueColumns>();

/** `delayed` messages due in a day (the lower ids, as reminders sent earlier), then `visible` ones due now. */
async function fillQueue(pool: pg.Pool, queue: string, delayed: number, visible: number): Promise<void> {
  await ensureQueues(pool, [queue]);
  await pool.query(
    `INSERT INTO pgmq.q_${queue} (vt, message)
     SELECT clock_timestamp() + interval '1 day', jsonb_build_object('n', n, 'to', 'a@example.com')
       FROM generate_series(1, $1::int) AS n`,
    [delayed],
  );
  await pool.query(
    `INSERT INTO pgmq.q_${queue} (vt, message)
     SELECT clock_timestamp(), jsonb_build_object('n', n, 'to', 'a@example.com') FROM generate_series(1, $1::int) AS n`,
    [visible],
  );
  await pool.query(`VACUUM ANALYZE pgmq.q_${queue}`);
  columns.set(queue, (await readQueueColumns(pool, queue))!);
}

function columnsOf(queue: string): QueueColumns {
  return columns.get(queue)!;
}

/** Explains twice and keeps the second: the first sets hint bits and warms the cache. */
async function explainWarm(...args: Parameters<typeof explainStatement>): Promise<ExplainedPlan> {
  await explainStatement(...args);
  return explainStatement(...args);
}

/** The read's scan of the vt index: bounded by `vt <=`, touching no more rows than it returns. */
function expectBoundedVtScan(plan: ExplainedPlan, queue: string, limit: number): void {
  const table = `q_${queue}`;
  const detail = describePlan(plan);
  const vtScans = scansOf(plan, table).filter((node) => node["Index Name"] === `${table}_vt_idx`);
  expect(vtScans, detail).toHaveLength(1);
  expect(vtScans[0]!["Index Cond"], detail).toMatch(/vt <=/);
  expect(vtScans[0]!["Actual Rows"], detail).toBeLessThanOrEqual(limit);
  expect(rowsFilteredOut(plan, table), detail).toBe(0);
  expect(scansOf(plan, table).filter((node) => node["Node Type"] === "Seq Scan").length, detail).toBe(0);
}

/**
 * Every other scan of the queue finds its rows by primary key, touching no
 * more rows in all than the statement handles (`ids`): the table is never
 * scanned, and never probed once per pair of rows.
 */
function expectPrimaryKeyLookups(plan: ExplainedPlan, queue: string, ids: number, exceptIndex?: string): void {
  const table = `q_${queue}`;
  const detail = describePlan(plan).slice(0, 2000);
  const lookups = scansOf(plan, table).filter((node) => node["Index Name"] !== exceptIndex);
  expect(lookups.length, detail).toBeGreaterThan(0);
  for (const node of lookups) {
    expect(node["Index Name"], detail).toBe(`${table}_pkey`);
    expect(node["Index Cond"], detail).toMatch(/msg_id = /);
    expect((node["Actual Rows"] ?? 0) * (node["Actual Loops"] ?? 1), detail).toBeLessThanOrEqual(ids);
  }
}

beforeAll(async () => {
  await fillQueue(db.pool, "deep", DELAYED, 20);
  await fillQueue(db.pool, "shallow", 0, 20);
  await fillQueue(db.pool, "few", DELAYED, 1);
  await fillQueue(db.pool, "backlog", DELAYED, 1000);
  // Read only by the flatness test, so both have the same history of rolled-back reads.
  await fillQueue(db.pool, "flat_small", DELAYED / 10, 20);
  await fillQueue(db.pool, "flat_large", DELAYED, 20);
  await fillQueue(db.pool, "acks", 0, 20_000);
  await ensureQueues(db.pool, ["acks_dlq"]);
  columns.set("acks_dlq", (await readQueueColumns(db.pool, "acks_dlq"))!);
  // Every message of `acks` delivered once, so the fenced statements find read_ct = 1.
  await db.pool.query("UPDATE pgmq.q_acks SET read_ct = 1, vt = clock_timestamp() + interval '1 hour'");
  await db.pool.query("VACUUM ANALYZE pgmq.q_acks");
}, 120_000);

describe.each(MODES)("issue 11 deep read (%s plan)", (mode) => {
  it("issue 11 deep read: takes visible messages from the front of the vt index, skipping none of 100k delayed ones", async () => {
    const read = readMessagesStatement("deep", columnsOf("deep"));
    const plan = await explainWarm(db.pool, read, ["16", "30"], mode);
    expect(plan.rows).toBe(16);
    expectBoundedVtScan(plan, "deep", 16);
    expectPrimaryKeyLookups(plan, "deep", 16, "q_deep_vt_idx");
    // The old read (ORDER BY msg_id, vt as a filter) walked 100k delayed rows: ~2,400 buffers.
    expect(plan.buffers, describePlan(plan)).toBeLessThan(500);

    const all = await explainWarm(db.pool, read, ["500", "30"], mode);
    expect(all.rows).toBe(20);
    expectBoundedVtScan(all, "deep", 500);
  });

  it("issue 11 deep read: costs the same with 100k delayed messages behind as with 10k", async () => {
    const small = await explainWarm(
      db.pool,
      readMessagesStatement("flat_small", columnsOf("flat_small")),
      ["16", "30"],
      mode,
    );
    const large = await explainWarm(
      db.pool,
      readMessagesStatement("flat_large", columnsOf("flat_large")),
      ["16", "30"],
      mode,
    );
    expect(large.rows).toBe(small.rows);
    // The old read walked every delayed message: ~250 and ~2,400 buffers.
    expect(large.buffers, `100k delayed: ${large.buffers}, 10k delayed: ${small.buffers}`).toBeLessThan(
      small.buffers * 1.25 + 10,
    );
  });

  it("issue 11 deep read: an under-full read (1 visible behind 100k delayed) touches a few pages, not the backlog", async () => {
    const plan = await explainWarm(db.pool, readMessagesStatement("few", columnsOf("few")), ["500", "30"], mode);
    expect(plan.rows).toBe(1);
    expectBoundedVtScan(plan, "few", 500);
    // The old read: ~2,200 buffers for the same answer, on every poll of an idle queue.
    expect(plan.buffers, describePlan(plan)).toBeLessThan(100);
  });

  it("issue 11 deep read: the worker's byte-bounded read is bounded the same way", async () => {
    const within = readMessagesWithinStatement("deep", columnsOf("deep"));
    const parameters = ["500", "30", "16777216", "1048576", "4"];
    const plan = await explainWarm(db.pool, within, parameters, mode);
    expect(plan.rows).toBe(20);
    expectBoundedVtScan(plan, "deep", 500);
    expectPrimaryKeyLookups(plan, "deep", 20, "q_deep_vt_idx");
    const shallow = await explainWarm(
      db.pool,
      readMessagesWithinStatement("shallow", columnsOf("shallow")),
      parameters,
      mode,
    );
    expect(shallow.rows).toBe(20);
    expect(plan.buffers, `deep ${plan.buffers} vs shallow ${shallow.buffers}`).toBeLessThan(shallow.buffers * 2);
    const few = await explainWarm(db.pool, readMessagesWithinStatement("few", columnsOf("few")), parameters, mode);
    expect(few.rows).toBe(1);
    expectBoundedVtScan(few, "few", 500);
    expect(few.buffers, describePlan(few)).toBeLessThan(100);
  });

  it("issue 11 deep read: a full read of 500 finds each row it takes once by primary key (no lookup per pair)", async () => {
    const parameters = { read: ["500", "30"], within: ["500", "30", "16777216", "1048576", "4"] };
    const read = await explainWarm(
      db.pool,
      readMessagesStatement("backlog", columnsOf("backlog")),
      parameters.read,
      mode,
    );
    const within = await explainWarm(
      db.pool,
      readMessagesWithinStatement("backlog", columnsOf("backlog")),
      parameters.within,
      mode,
    );
    for (const plan of [read, within]) {
      expect(plan.rows).toBe(500);
      expectBoundedVtScan(plan, "backlog", 500);
      expectPrimaryKeyLookups(plan, "backlog", 500, "q_backlog_vt_idx");
      // ~14 buffers a row (heap, two index inserts, the lookup); a lookup per pair of rows was ~1,200.
      expect(plan.buffers, describePlan(plan)).toBeLessThan(500 * 30);
    }
  });

  it("issue 11 deep read: heartbeat, retry, release, acks, kill and dead-letter find 1,000 of 20,000 messages by primary key", async () => {
    const ids = (
      await db.pool.query<{ msg_id: string }>("SELECT msg_id::text FROM pgmq.q_acks ORDER BY msg_id LIMIT 1000")
    ).rows.map((row) => row.msg_id);
    const idArray = `'{${ids.join(",")}}'`;
    const each = (value: string) => `'{${ids.map(() => value).join(",")}}'`;
    const plans: Array<[string, ExplainedPlan]> = [
      ["set_vt", await explainWarm(db.pool, setVisibilityStatement("acks"), [idArray, each("5")], mode)],
      [
        "set_vt_deliveries",
        await explainWarm(
          db.pool,
          setDeliveryVisibilityStatement("acks"),
          [idArray, each("5"), each("1"), each("0")],
          mode,
        ),
      ],
      ["delete_deliveries", await explainWarm(db.pool, deleteDeliveriesStatement("acks"), [idArray, each("1")], mode)],
      ["delete", await explainWarm(db.pool, deleteMessagesStatement("acks"), [idArray], mode)],
      ["archive", await explainWarm(db.pool, archiveMessagesStatement("acks", columnsOf("acks")), [idArray], mode)],
      [
        "dead_letter",
        await explainWarm(
          db.pool,
          deadLetterMessagesStatement("acks", "acks_dlq", columnsOf("acks"), columnsOf("acks_dlq")),
          [idArray, each('"boom"'), each("3"), each("1"), "'acks'"],
          mode,
        ),
      ],
    ];
    for (const [name, plan] of plans) {
      expect(plan.rows, name).toBe(1000);
      expectPrimaryKeyLookups(plan, "acks", 1000);
    }
  });
});

describe("issue 11 deep read: order", () => {
  it("issue 11 deep read: reads in the order messages became visible; a retry queues behind those waiting; `at` in the past goes first", async () => {
    const queue = "visible_order";
    const first = await db.pgmq.sendBatch(
      queue,
      [1, 2, 3, 4, 5].map((n) => ({ n })),
    );
    const [one] = await db.pgmq.read(queue, 30, 1);
    expect(one!.msgId).toBe(first[0]);
    const later = await db.pgmq.sendBatch(
      queue,
      [6, 7, 8].map((n) => ({ n })),
    );
    // Message 1 fails and is retried at once: visible again from now, behind 2-8.
    await db.pgmq.setVisibility(queue, [{ msgId: one!.msgId, delaySeconds: 0 }]);
    const early = await db.pgmq.send(queue, { n: 9 }, { delay: new Date(Date.now() - 3_600_000) });
    const delayed = await db.pgmq.send(queue, { n: 10 }, { delay: 3600 });

    const read = await db.pgmq.read(queue, 30, 20);
    expect(read.map((message) => message.msgId)).toEqual([early, ...first.slice(1), ...later, first[0]]);
    expect(read.map((message) => message.msgId)).not.toContain(delayed);
    expect(read.at(-1)!.readCt).toBe(2);
  });

  it("issue 11 deep read: a batch sent with one Date is read in disjoint reads that cover it, without sorting the tie", async () => {
    const queue = "same_vt";
    const at = new Date(Date.now() - 1000);
    const ids = await db.pgmq.sendBatch(
      queue,
      Array.from({ length: 1000 }, (_, n) => ({ n })),
      { delay: at },
    );
    await db.pool.query(`ANALYZE pgmq.q_${queue}`);
    const plan = await explainWarm(
      db.pool,
      readMessagesStatement(queue, (await readQueueColumns(db.pool, queue))!),
      ["100", "30"],
      "custom",
    );
    // The only sort is the final one over the rows returned; none over the 1,000 sharing a vt.
    const sorts = plan.nodes.filter((node) => /Sort/.test(node["Node Type"]) && node !== plan.root);
    expect(sorts.length, describePlan(plan)).toBe(0);
    expectBoundedVtScan(plan, queue, 100);

    const seen: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      const read = await db.pgmq.read(queue, 30, 100);
      expect(read).toHaveLength(100);
      seen.push(...read.map((message) => message.msgId));
    }
    expect(new Set(seen).size).toBe(1000);
    expect([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    expect(await db.pgmq.read(queue, 30, 100)).toEqual([]);
  });

  it("issue 11 deep read: a reader holding rows in a transaction makes another skip them, not wait", async () => {
    const queue = "held_rows";
    const ids = await db.pgmq.sendBatch(
      queue,
      Array.from({ length: 20 }, (_, n) => ({ n })),
    );
    const holder = await db.pool.connect();
    const other = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      const held = await db.pgmq.read(queue, 30, 10, holder);
      await other.query("SET statement_timeout = 1000");
      const skipped = await db.pgmq.read(queue, 30, 10, other);
      expect(held.map((message) => message.msgId)).toEqual(ids.slice(0, 10));
      expect(skipped.map((message) => message.msgId)).toEqual(ids.slice(10));
      await holder.query("COMMIT");
      expect(await db.pgmq.read(queue, 30, 20)).toEqual([]);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      holder.release();
      await other.query("RESET statement_timeout").catch(() => {});
      other.release();
    }
  });
});

/**
 * `queueStatus` and `listQueues` against PostgreSQL (issue 15 §1): each
 * figure of `pgmq-gen status` from messages put in every state, exact under
 * the count cap, approximate (and saying so) past it, and never a scan of a
 * big queue.
 */
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { queueExists } from "../../packages/runtime/src/queueSetup.js";
import { listQueues, queueStatus } from "../../packages/runtime/src/queueStatus.js";
import { queueLengthStatement, queueStatusStatement } from "../../packages/runtime/src/sql/queueStatus.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { describePlan, explainStatement } from "./queryPlan.js";

const db = useTestDatabase("queue_status");

/** Runs `work` on a client of its own, then flushes that backend's table counts to the statistics system (PostgreSQL 15+ batches them). */
async function withCountedWrites(work: (client: pg.ClientBase) => Promise<void>): Promise<void> {
  const client = await db.pool.connect();
  try {
    await work(client);
    await client.query("SELECT pg_stat_force_next_flush()");
  } finally {
    client.release();
  }
}

const payloads = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));

beforeAll(async () => {
  // jobs: 2 dead-lettered, 5 archived (2 in the last minute, 3 in the last hour), 2 in flight, 3 visible, 4 delayed.
  await withCountedWrites(async (client) => {
    const killed = await db.pgmq.sendBatch("jobs", payloads(2), { client });
    await db.pgmq.deadLetter(
      "jobs",
      "jobs_dlq",
      killed.map((msgId) => ({ msgId, reason: "boom", attempts: 6 })),
      client,
    );
    await db.pgmq.sendBatch("jobs", payloads(5), { client });
    const done = await db.pgmq.read("jobs", 30, 5, client);
    const archived = await db.pgmq.archive(
      "jobs",
      done.map((message) => message.msgId),
      client,
    );
    const [, thirtySeconds, tenMinutes, ...twoHours] = archived.map(String);
    const archivedAgo = (ids: string[], ago: string) =>
      client.query(`UPDATE pgmq.a_jobs SET archived_at = now() - $2::interval WHERE msg_id = ANY($1::bigint[])`, [
        ids,
        ago,
      ]);
    await archivedAgo([thirtySeconds!], "30 seconds");
    await archivedAgo([tenMinutes!], "10 minutes");
    await archivedAgo(twoHours, "2 hours");
    await db.pgmq.sendBatch("jobs", payloads(2), { client });
    expect(await db.pgmq.read("jobs", 600, 2, client)).toHaveLength(2);
    const visible = await db.pgmq.sendBatch("jobs", payloads(3), { client });
    await client.query("UPDATE pgmq.q_jobs SET enqueued_at = now() - interval '120 seconds' WHERE msg_id = $1", [
      String(visible[2]),
    ]);
    await db.pgmq.sendBatch("jobs", payloads(4), { client, delay: 3600 });
  });
});

describe("queueStatus", () => {
  it("issue 15 #1: each figure of a queue with messages in every state, its dead-letter queue's too, all exact", async () => {
    const [jobs, deadLetters] = await queueStatus([{ queue: "jobs", deadLetter: "jobs_dlq" }, "jobs_dlq"], {
      db: db.pool,
    });
    expect(jobs).toEqual({
      queue: "jobs",
      exists: true,
      visible: 3,
      inFlight: 2,
      delayed: 4,
      oldestAgeSeconds: expect.any(Number),
      deadLettered: 2,
      archived: 5,
      completedLastMinute: 2,
      completedLastHour: 3,
      approximate: {},
    });
    expect(jobs!.oldestAgeSeconds).toBeGreaterThanOrEqual(120);
    expect(jobs!.oldestAgeSeconds).toBeLessThan(130);
    // A dead-letter queue is a queue: its own figures, and no dead-letter queue of its own.
    expect(deadLetters).toMatchObject({ queue: "jobs_dlq", visible: 2, inFlight: 0, delayed: 0, deadLettered: null });
  });

  it("issue 15 #1: a queue without a table is reported, every figure null but its dead-letter count, and not created", async () => {
    const [missing] = await queueStatus([{ queue: "never_made", deadLetter: "never_made_dlq" }], { db: db.pool });
    expect(missing).toEqual({
      queue: "never_made",
      exists: false,
      visible: null,
      inFlight: null,
      delayed: null,
      oldestAgeSeconds: null,
      deadLettered: 0,
      archived: null,
      completedLastMinute: null,
      completedLastHour: null,
      approximate: {},
    });
    expect(await queueExists(db.pool, "never_made")).toBe(false);
    expect(await queueExists(db.pool, "never_made_dlq")).toBe(false);
  });

  it("issue 15 #1: an empty queue counts 0 with no oldest age; a queue that deletes on success has no completed figures", async () => {
    await db.pgmq.ensureQueue("empty");
    const [empty, deleting] = await queueStatus(["empty", { queue: "jobs", onSuccess: "delete" }], { db: db.pool });
    expect(empty).toMatchObject({ visible: 0, inFlight: 0, delayed: 0, oldestAgeSeconds: null, archived: 0 });
    expect(empty).toMatchObject({ completedLastMinute: 0, completedLastHour: 0, deadLettered: null });
    expect(deleting).toMatchObject({ archived: 5, completedLastMinute: null, completedLastHour: null });
  });

  it("issue 15 #1: past the count cap, a count the others complete is estimated from the statistics, the rest are lower bounds", async () => {
    const [both] = await queueStatus([{ queue: "jobs", deadLetter: "jobs_dlq" }], { db: db.pool, countCap: 2 });
    // Visible and not visible both past 2: nothing splits the length, so lower bounds.
    expect(both).toMatchObject({ visible: 2, inFlight: 2, delayed: 0, archived: 5, deadLettered: 2 });
    expect(both!.approximate).toEqual({
      visible: "atLeast",
      inFlight: "atLeast",
      delayed: "atLeast",
      oldestAgeSeconds: "atLeast",
      archived: "estimate",
      deadLettered: "estimate",
      completedLastMinute: "atLeast",
      completedLastHour: "atLeast",
    });

    // backlog: 6 visible, 1 delayed; mostly_delayed: 1 in flight, 1 visible, 6 delayed.
    await withCountedWrites(async (client) => {
      await db.pgmq.sendBatch("backlog", payloads(6), { client });
      await db.pgmq.send("backlog", { n: 7 }, { client, delay: 3600 });
      await db.pgmq.send("mostly_delayed", { n: 0 }, { client });
      await db.pgmq.read("mostly_delayed", 600, 1, client);
      await db.pgmq.send("mostly_delayed", { n: 1 }, { client });
      await db.pgmq.sendBatch("mostly_delayed", payloads(6), { client, delay: 3600 });
    });
    const [backlog, mostlyDelayed] = await queueStatus(["backlog", "mostly_delayed"], { db: db.pool, countCap: 3 });
    expect(backlog).toMatchObject({ visible: 6, inFlight: 0, delayed: 1 });
    expect(backlog!.approximate).toEqual({ visible: "estimate", oldestAgeSeconds: "atLeast" });
    expect(mostlyDelayed).toMatchObject({ visible: 1, inFlight: 1, delayed: 6 });
    expect(mostlyDelayed!.approximate).toEqual({ inFlight: "atLeast", delayed: "estimate" });
  });

  it("issue 15 #1: refuses a bad countCap or queue name before touching the database", async () => {
    for (const countCap of [0, -1, 2.5, Number.NaN, 1_000_001]) {
      await expect(queueStatus(["jobs"], { db: db.pool, countCap })).rejects.toThrow(/countCap/);
    }
    await expect(queueStatus(["Jobs"], { db: db.pool })).rejects.toThrow(/invalid queue name "Jobs"/);
    await expect(queueStatus([{ queue: "jobs", deadLetter: "x-y" }], { db: db.pool })).rejects.toThrow(/"x-y"/);
    expect(await queueStatus([], { db: db.pool })).toEqual([]);
  });
});

describe("listQueues", () => {
  it("issue 15 #1: every queue of the database: pgmq.meta's rows and the pgmq.q_ tables, partitions left out", async () => {
    // Made by hand with the columns status reads (issue 15 #6: a q_ table without them is no queue).
    await db.pool.query(
      "CREATE TABLE pgmq.q_handmade (msg_id bigint PRIMARY KEY, read_ct int NOT NULL, enqueued_at timestamptz NOT NULL, vt timestamptz NOT NULL)",
    );
    await db.pool.query(
      "INSERT INTO pgmq.meta (queue_name, is_partitioned, is_unlogged) VALUES ('meta_only', false, false)",
    );
    await db.pool.query(
      `CREATE TABLE pgmq.q_parted (msg_id bigint, read_ct int NOT NULL, enqueued_at timestamptz NOT NULL, vt timestamptz NOT NULL)
         PARTITION BY RANGE (msg_id);
       CREATE TABLE pgmq.q_parted_p0 PARTITION OF pgmq.q_parted FOR VALUES FROM (0) TO (1000)`,
    );
    const queues = await listQueues({ db: db.pool });
    expect(queues).toEqual(expect.arrayContaining(["jobs", "jobs_dlq", "empty", "handmade", "meta_only", "parted"]));
    expect(queues).not.toContain("parted_p0");
    expect(queues).toEqual([...queues].sort());
    expect(new Set(queues).size).toBe(queues.length);
  });
});

describe("queueStatus on a deep queue", () => {
  it("issue 15 #1: at 100k messages and 100k archived rows, no statement scans a table: each count reads its index up to the cap", async () => {
    await db.pgmq.ensureQueue("deep");
    await withCountedWrites(async (client) => {
      // 5,000 visible (every 20th id), 95,000 delayed by an hour; 100,000 archived, one a second back from now.
      await client.query(
        `INSERT INTO pgmq.q_deep (enqueued_at, vt, message)
         SELECT now() - interval '2 hours', CASE WHEN i % 20 = 0 THEN now() - (i / 20) * interval '1 second'
                                                ELSE now() + interval '1 hour' END, jsonb_build_object('n', i)
           FROM generate_series(1, 100000) AS i`,
      );
      await client.query(
        `INSERT INTO pgmq.a_deep (msg_id, enqueued_at, archived_at, vt, message)
         SELECT 1000000 + i, now() - interval '3 hours', now() - i * interval '1 second', now(), jsonb_build_object('n', i)
           FROM generate_series(1, 100000) AS i`,
      );
    });
    // What autovacuum does to an insert-only archive: its pages become all-visible.
    await db.pool.query("VACUUM ANALYZE pgmq.a_deep");
    await db.pool.query("ANALYZE pgmq.q_deep");

    const [deep] = await queueStatus(["deep"], { db: db.pool, countCap: 1000 });
    // Visible and not visible both past the cap: lower bounds; the archive's length from the statistics.
    expect(deep).toMatchObject({ visible: 1000, inFlight: 0, delayed: 1000, completedLastHour: 1000 });
    expect(deep!.completedLastMinute).toBeGreaterThanOrEqual(50);
    expect(deep!.completedLastMinute).toBeLessThanOrEqual(59);
    expect(Math.abs(deep!.archived! - 100_000)).toBeLessThan(10_000);
    expect(deep!.approximate).toEqual({
      visible: "atLeast",
      inFlight: "atLeast",
      delayed: "atLeast",
      oldestAgeSeconds: "atLeast",
      archived: "estimate",
      completedLastHour: "atLeast",
    });
    // Under the default cap the 5,000 visible are counted, and the delayed are the estimated rest.
    const [counted] = await queueStatus(["deep"], { db: db.pool });
    expect(counted).toMatchObject({ visible: 5000, inFlight: 0 });
    expect(Math.abs(counted!.delayed! - 95_000)).toBeLessThan(10_000);
    expect(counted!.completedLastHour).toBeGreaterThanOrEqual(3500);
    expect(counted!.completedLastHour).toBeLessThanOrEqual(3599);
    expect(counted!.approximate).toEqual({ inFlight: "atLeast", delayed: "estimate", archived: "estimate" });

    const { rows } = await db.pool.query<{ pages: number }>(
      "SELECT sum(relpages)::int AS pages FROM pg_class WHERE oid IN ('pgmq.q_deep'::regclass, 'pgmq.a_deep'::regclass)",
    );
    const tablePages = rows[0]!.pages;
    for (const mode of ["custom", "generic"] as const) {
      const plan = await explainStatement(
        db.pool,
        queueStatusStatement("deep", true),
        ["1000", "'pgmq.q_deep'", "'pgmq.a_deep'"],
        mode,
      );
      const seqScans = plan.nodes.filter((node) => node["Node Type"] === "Seq Scan");
      expect(seqScans, `${mode}: ${describePlan(plan)}`).toEqual([]);
      const indexes = new Set(
        plan.nodes.map((node) => node["Index Name"]).filter((name) => name !== undefined && !name.startsWith("pg_")),
      );
      expect([...indexes].sort(), mode).toEqual(["a_deep_pkey", "archived_at_idx_deep", "q_deep_vt_idx"]);
      for (const node of plan.nodes.filter((each) => each["Index Name"] === "q_deep_vt_idx"))
        expect(node["Index Cond"], mode).toMatch(/vt [<>]=? /);
      // Index entries and heap pages of the rows counted (about 275), not the tables' (about 2,400).
      expect(tablePages).toBeGreaterThan(2000);
      expect(plan.buffers, mode).toBeLessThan(600);

      const length = await explainStatement(db.pool, queueLengthStatement("deep"), ["1000", "'pgmq.q_deep'"], mode);
      expect(
        length.nodes.filter((node) => node["Node Type"] === "Seq Scan"),
        mode,
      ).toEqual([]);
      expect(length.buffers, mode).toBeLessThan(100);
    }
  });
});

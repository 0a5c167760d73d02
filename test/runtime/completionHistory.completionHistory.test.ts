/**
 * `completionHistory` against PostgreSQL (issue 15 #8): the archive's rows
 * counted per minute, each in the minute of its `archived_at`, the edges of
 * the span exact, every minute present, read through the archived_at index;
 * null without an archive, and its refusals.
 */
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { completionHistory } from "../../packages/runtime/src/completionHistory.js";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { completionHistoryStatement } from "../../packages/runtime/src/sql/completionHistory.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { untouchableDatabase } from "./untouchableDatabase.js";
import { describePlan, explainStatement, scansOf } from "./queryPlan.js";

const db = useTestDatabase("completion_history");

/** A `db` that counts what is sent to it and answers nothing. */

/** Archives one row into `pgmq.a_<queue>` per SQL expression of `archivedAt` (in `client`'s transaction: `now()` is its start). */
async function archiveAt(client: pg.ClientBase, queue: string, archivedAt: readonly string[]): Promise<void> {
  for (const [index, at] of archivedAt.entries()) {
    await client.query(
      `INSERT INTO pgmq.a_${queue} (msg_id, vt, message, archived_at)
       VALUES ((SELECT coalesce(max(msg_id), 0) + 1 FROM pgmq.a_${queue}), now(), jsonb_build_object('i', ${index}::int), ${at})`,
    );
  }
}

describe("completionHistory", () => {
  it("issue 15 #8: each archived row lands in the minute of its archived_at; the first minute's start is in, the instant before it and the minutes to come are out", async () => {
    await db.pgmq.ensureQueue("done");
    const client = await db.pool.connect();
    try {
      // One transaction: now() (the buckets' clock and the rows') stays put, whatever the wall clock does meanwhile.
      await client.query("BEGIN");
      const t0 = "date_trunc('minute', now())";
      await archiveAt(client, "done", [
        `${t0} - interval '9 minutes'`, // the first bucket's start: in
        `${t0} - interval '9 minutes' - interval '1 microsecond'`, // just before it: out
        `${t0} - interval '4 minutes 30 seconds'`,
        `${t0} - interval '4 minutes 30 seconds'`,
        `${t0} - interval '4 minutes 1 microsecond'`, // the end of that same minute
        `${t0} - interval '1 microsecond'`, // the end of the last full minute
        t0, // the current minute's start
        "now()",
        `${t0} + interval '1 minute'`, // after the current minute (a clock set back): out
      ]);
      const { rows } = await client.query<{ t0: Date }>(`SELECT ${t0} AS t0`);
      const current = rows[0]!.t0.getTime();

      const history = await completionHistory("done", { minutes: 10, db: client });
      expect(history!.map((bucket) => bucket.count)).toEqual([1, 0, 0, 0, 3, 0, 0, 0, 1, 2]);
      expect(history!.map((bucket) => bucket.start.getTime())).toEqual(
        Array.from({ length: 10 }, (_, index) => current - (9 - index) * 60_000),
      );
      // One minute: the current one alone.
      expect(await completionHistory("done", { minutes: 1, db: client })).toEqual([
        { start: new Date(current), count: 2 },
      ]);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });

  it("issue 15 #8: every minute has its bucket, zeros included: 60 by default, up to 1440, the last one the current minute", async () => {
    await db.pgmq.ensureQueue("quiet");
    const before = Date.now();
    const hour = await completionHistory("quiet", { db: db.pool });
    expect(hour).toHaveLength(60);
    expect(hour!.every((bucket) => bucket.count === 0)).toBe(true);
    const last = hour!.at(-1)!.start.getTime();
    expect(last % 60_000).toBe(0);
    // The current minute on the database's clock (this machine's, within a second), the one started before the call or a later one.
    expect(last).toBeGreaterThanOrEqual(Math.floor(before / 60_000) * 60_000 - 1000);
    expect(last).toBeLessThanOrEqual(Date.now() + 1000);
    for (const [index, bucket] of hour!.entries())
      expect(bucket.start.getTime(), `bucket ${index}`).toBe(hour![0]!.start.getTime() + index * 60_000);
    expect(await completionHistory("quiet", { minutes: 1440, db: db.pool })).toHaveLength(1440);
  });

  it("issue 15 #8: null without an archive table; a QueueMissingError without the queue table, an archive alone included", async () => {
    await db.pgmq.ensureQueue("no_archive");
    await db.pool.query("DROP TABLE pgmq.a_no_archive");
    expect(await completionHistory("no_archive", { db: db.pool })).toBeNull();

    await expect(completionHistory("never_made", { db: db.pool })).rejects.toThrow(QueueMissingError);
    await db.pool.query(
      `CREATE TABLE pgmq.a_orphan (msg_id bigint PRIMARY KEY, read_ct int NOT NULL DEFAULT 0,
         enqueued_at timestamptz NOT NULL DEFAULT now(), archived_at timestamptz NOT NULL DEFAULT now(),
         vt timestamptz NOT NULL, message jsonb)`,
    );
    await expect(completionHistory("orphan", { db: db.pool })).rejects.toThrow(
      /queue "orphan" does not exist .*completionHistory does not create queues/,
    );
  });

  it("issue 15 #8: minutes other than an integer from 1 to 1440, or a bad queue name, are refused before any query", async () => {
    const quiet = untouchableDatabase();
    for (const minutes of [0, 1441, 1.5, Number.NaN, -1, Number.POSITIVE_INFINITY])
      await expect(completionHistory("done", { minutes, db: quiet.db })).rejects.toThrow(
        new RangeError(`minutes: expected an integer from 1 to 1440, got ${minutes}`),
      );
    for (const queue of ["Done", "a-b", ""])
      await expect(completionHistory(queue, { db: quiet.db })).rejects.toThrow(/invalid queue name/);
    expect(quiet.queries()).toBe(0);
  });

  it("issue 15 #8: on a 100k-row archive, an hour's history reads the archived_at index over that hour only", async () => {
    await db.pgmq.ensureQueue("busy");
    // 100,000 rows, one every 3 seconds back from now: 1,200 of them in the last hour.
    await db.pool.query(
      `INSERT INTO pgmq.a_busy (msg_id, enqueued_at, archived_at, vt, message)
       SELECT i, now(), now() - i * interval '3 seconds', now(), jsonb_build_object('n', i)
         FROM generate_series(1, 100000) AS i`,
    );
    await db.pool.query("VACUUM ANALYZE pgmq.a_busy");
    const history = await completionHistory("busy", { db: db.pool });
    const total = history!.reduce((sum, bucket) => sum + bucket.count, 0);
    // Up to 20 a minute, the current minute partial: about 59 to 60 minutes' worth.
    expect(total).toBeGreaterThanOrEqual(1160);
    expect(total).toBeLessThanOrEqual(1200);
    for (const mode of ["custom", "generic"] as const) {
      const plan = await explainStatement(db.pool, completionHistoryStatement("busy"), ["60"], mode);
      const scans = scansOf(plan, "a_busy");
      expect(
        scans.map((node) => [node["Node Type"], node["Index Name"]]),
        `${mode}: ${describePlan(plan)}`,
      ).toEqual([[expect.stringMatching(/Index/), "archived_at_idx_busy"]]);
      expect(plan.buffers, `${mode}: ${describePlan(plan)}`).toBeLessThan(100);
    }
  });
});

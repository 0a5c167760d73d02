/** (c) Our runtime's own queue layout (made without PGMQ) against `pgmq.create`'s, and PGMQ installed over it later. */
import { describe, expect, it } from "vitest";
import { ensureQueues, PgmqClient } from "../../packages/runtime/src/index.js";
import { installPgmqSql } from "./installPgmqSql.js";
import type { PgmqReadRow } from "./interopQueue.js";
import { count, createDatabase, hasFunction, isAtLeast, pgmqVersions, usePgmqDatabase } from "./pgmqDatabase.js";
import { describeTable, diffLayouts, withoutColumn, type Layout } from "./tableLayout.js";

const versions = pgmqVersions();
const newest = versions.at(-1)!;

// Our layout is PGMQ 1.10+'s: `last_read_at` is the 4th column of q_ and a_.
const LAST_READ_AT_SINCE = "1.10.0";

describe(`PGMQ ${newest.version} (the newest at hand)`, () => {
  const pool = usePgmqDatabase(newest);

  it("c:layout (no pgmq): a queue our runtime makes without PGMQ has pgmq.create's pgmq.meta, q_ and a_ (columns, order, constraints, indexes) and sequence", async () => {
    const ours = await createDatabase("layout_ours");
    try {
      await ensureQueues(ours.pool, ["lay"]);
      await pool().query("SELECT pgmq.create($1::text)", ["lay"]);
      // Before 1.10 PGMQ has no last_read_at: ours must have it, and otherwise match.
      const comparable = async (table: string): Promise<Layout> => {
        const layout = await describeTable(ours.pool, table, "lay");
        if (isAtLeast(newest, LAST_READ_AT_SINCE) || table === "meta") return layout;
        expect(layout.order.split(","), `our ${table} has last_read_at`).toContain("last_read_at");
        return withoutColumn(layout, "last_read_at");
      };
      const diffs = [
        ...diffLayouts("pgmq.meta", await describeTable(pool(), "meta", "lay"), await comparable("meta")),
        ...diffLayouts("q_", await describeTable(pool(), "q_lay", "lay"), await comparable("q_lay")),
        ...diffLayouts("a_", await describeTable(pool(), "a_lay", "lay"), await comparable("a_lay")),
      ];
      expect(diffs).toEqual([]);
      expect(
        await count(ours.pool, "SELECT count(*) AS n FROM pg_class WHERE oid = to_regclass('pgmq.q_lay_msg_id_seq')"),
        "sequence pgmq.q_lay_msg_id_seq in ours",
      ).toBe(1);
      expect(
        await count(
          ours.pool,
          "SELECT count(*) AS n FROM pgmq.meta WHERE queue_name = 'lay' AND NOT is_partitioned AND NOT is_unlogged",
        ),
        "our pgmq.meta row for lay",
      ).toBe(1);
    } finally {
      await ours.drop();
    }
  });
});

// Installing a PGMQ older than 1.10 over queues our runtime made is unsupported (README,
// Compatibility): our layout is 1.10+'s. So this is checked for 1.10 and later only.
describe.each(versions.filter((version) => isAtLeast(version, LAST_READ_AT_SINCE)))(
  "PGMQ $version installed after our runtime made a queue",
  (version) => {
    it("c:pgmq on our layout: pgmq.read, set_vt, send, pop, archive, metrics, enable_notify_insert and drop_queue work on our queue", async () => {
      const ours = await createDatabase(`late_${version.version}`);
      try {
        const client = new PgmqClient(ours.pool);
        await ensureQueues(ours.pool, ["late"]);
        const id = await client.send("late", { before: "pgmq" }, { headers: { h: 1 } });
        await installPgmqSql(ours.pool, version);
        const read = await ours.pool.query<PgmqReadRow>("SELECT * FROM pgmq.read($1::text, 30, 5)", ["late"]);
        expect(
          read.rows.map((row) => ({ message: row.message, readCt: row.read_ct })),
          "pgmq.read",
        ).toEqual([{ message: { before: "pgmq" }, readCt: 1 }]);
        const calls: [string, string, unknown[]][] = [
          ["pgmq.set_vt", "SELECT * FROM pgmq.set_vt($1::text, $2::bigint, $3::int)", ["late", String(id), 0]],
          ["pgmq.send", "SELECT pgmq.send($1::text, $2::jsonb) AS id", ["late", '{"after":"pgmq"}']],
          ["pgmq.pop", "SELECT * FROM pgmq.pop($1::text)", ["late"]],
          ["pgmq.archive", "SELECT pgmq.archive($1::text, ARRAY(SELECT msg_id FROM pgmq.q_late))", ["late"]],
          ["pgmq.metrics", "SELECT * FROM pgmq.metrics($1::text)", ["late"]],
        ];
        if (await hasFunction(ours.pool, "pgmq.enable_notify_insert(text)")) {
          calls.push(["pgmq.enable_notify_insert", "SELECT pgmq.enable_notify_insert($1::text)", ["late"]]);
          calls.push([
            "pgmq.send after enable_notify_insert",
            "SELECT pgmq.send($1::text, $2::jsonb) AS id",
            ["late", '{"n":1}'],
          ]);
        }
        calls.push(["pgmq.drop_queue", "SELECT pgmq.drop_queue($1::text)", ["late"]]);
        const problems: string[] = [];
        for (const [what, sql, values] of calls) {
          await ours.pool
            .query(sql, values)
            .catch((error: unknown) => problems.push(`${what}: ${(error as Error).message}`));
        }
        expect(problems).toEqual([]);
      } finally {
        await ours.drop();
      }
    });
  },
);

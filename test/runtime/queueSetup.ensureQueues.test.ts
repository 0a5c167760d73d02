import pg from "pg";
import { describe, expect, it } from "vitest";
import { ensureQueues, queueExists } from "../../packages/runtime/src/queueSetup.js";
import { createTestDatabase } from "../helpers/database.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";

const db = useTestDatabase("queueSetup_ensureQueues");

async function columns(table: string) {
  const { rows } = await db.pool.query<{
    column_name: string;
    data_type: string;
    is_nullable: string;
    is_identity: string;
    column_default: string | null;
  }>(
    `SELECT column_name, data_type, is_nullable, is_identity, column_default
       FROM information_schema.columns WHERE table_schema = 'pgmq' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, row]));
}

async function indexes(table: string) {
  const { rows } = await db.pool.query<{ indexname: string; indexdef: string }>(
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'pgmq' AND tablename = $1 ORDER BY indexname",
    [table],
  );
  return rows;
}

describe("ensureQueues without the pgmq extension", () => {
  it("creates PGMQ's queue table layout", async () => {
    await ensureQueues(db.pool, ["layout"]);
    const q = await columns("q_layout");
    expect(Object.keys(q).sort()).toEqual(
      ["enqueued_at", "headers", "last_read_at", "message", "msg_id", "read_ct", "vt"].sort(),
    );
    expect(q.msg_id).toMatchObject({ data_type: "bigint", is_identity: "YES", is_nullable: "NO" });
    expect(q.read_ct).toMatchObject({ data_type: "integer", is_nullable: "NO", column_default: "0" });
    expect(q.enqueued_at).toMatchObject({
      data_type: "timestamp with time zone",
      is_nullable: "NO",
      column_default: "now()",
    });
    expect(q.vt).toMatchObject({ data_type: "timestamp with time zone", is_nullable: "NO" });
    expect(q.last_read_at).toMatchObject({ data_type: "timestamp with time zone", is_nullable: "YES" });
    expect(q.message).toMatchObject({ data_type: "jsonb" });
    expect(q.headers).toMatchObject({ data_type: "jsonb" });
  });

  it("creates the archive table with archived_at and a plain bigint key", async () => {
    await ensureQueues(db.pool, ["layout"]);
    const a = await columns("a_layout");
    expect(Object.keys(a).sort()).toEqual(
      ["archived_at", "enqueued_at", "headers", "last_read_at", "message", "msg_id", "read_ct", "vt"].sort(),
    );
    expect(a.msg_id).toMatchObject({ data_type: "bigint", is_identity: "NO" });
    expect(a.archived_at).toMatchObject({
      data_type: "timestamp with time zone",
      is_nullable: "NO",
      column_default: "now()",
    });
  });

  it("names indexes and keys as PGMQ does", async () => {
    await ensureQueues(db.pool, ["layout"]);
    const q = await indexes("q_layout");
    expect(q.map((index) => index.indexname)).toEqual(["q_layout_pkey", "q_layout_vt_idx"]);
    expect(q[1]!.indexdef).toContain("(vt)");
    const a = await indexes("a_layout");
    expect(a.map((index) => index.indexname)).toEqual(["a_layout_pkey", "archived_at_idx_layout"]);
    expect(a[1]!.indexdef).toContain("(archived_at)");
  });

  it("records the queue in pgmq.meta", async () => {
    await ensureQueues(db.pool, ["layout"]);
    const { rows } = await db.pool.query("SELECT * FROM pgmq.meta WHERE queue_name = 'layout'");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ queue_name: "layout", is_partitioned: false, is_unlogged: false });
    expect(rows[0].created_at).toBeInstanceOf(Date);
    const meta = await columns("meta");
    expect(Object.keys(meta)).toEqual(["queue_name", "is_partitioned", "is_unlogged", "created_at"]);
  });

  it("adds a statement-level insert trigger named as PGMQ's", async () => {
    await ensureQueues(db.pool, ["layout"]);
    const { rows } = await db.pool.query<{ tgname: string; statement_level: boolean }>(
      `SELECT tgname, (tgtype & 1) = 0 AS statement_level FROM pg_trigger
        WHERE tgrelid = 'pgmq.q_layout'::regclass AND NOT tgisinternal`,
    );
    expect(rows).toEqual([{ tgname: "trigger_notify_queue_insert_listeners", statement_level: true }]);
  });

  it("is idempotent: a second call changes nothing", async () => {
    await ensureQueues(db.pool, ["again"]);
    await db.pool.query("INSERT INTO pgmq.q_again (vt, message) VALUES (now(), '1')");
    await ensureQueues(db.pool, ["again", "again"]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.q_again");
    expect(rows[0].n).toBe(1);
    const meta = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.meta WHERE queue_name = 'again'");
    expect(meta.rows[0].n).toBe(1);
  });

  it("survives many processes creating the same queues at once on a fresh database", async () => {
    const fresh = await createTestDatabase("queueSetup_concurrent");
    const clients = Array.from({ length: 8 }, () => new pg.Client({ connectionString: fresh.url }));
    try {
      await Promise.all(clients.map((client) => client.connect()));
      await Promise.all(clients.map((client) => ensureQueues(client, ["race_one", "race_two"])));
      const { rows } = await fresh.pool.query<{ queue_name: string }>("SELECT queue_name FROM pgmq.meta ORDER BY 1");
      expect(rows.map((row) => row.queue_name)).toEqual(["race_one", "race_two"]);
      expect(await queueExists(fresh.pool, "race_one")).toBe(true);
      expect(await queueExists(fresh.pool, "race_two")).toBe(true);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
      await fresh.drop();
    }
  });

  it("issue 11: gives the tables of a queue it creates a fixed autovacuum threshold (and the queue table an index pass on every VACUUM), and leaves an existing queue's settings alone", async () => {
    const reloptions = async (table: string) =>
      (
        await db.pool.query<{ reloptions: string[] | null }>(
          "SELECT reloptions FROM pg_class WHERE oid = $1::regclass",
          [table],
        )
      ).rows[0]!.reloptions;
    await ensureQueues(db.pool, ["vacuumed"]);
    const threshold = ["autovacuum_vacuum_scale_factor=0", "autovacuum_vacuum_threshold=10000"];
    expect(await reloptions("pgmq.q_vacuumed")).toEqual([...threshold, "vacuum_index_cleanup=on"]);
    expect(await reloptions("pgmq.a_vacuumed")).toEqual(threshold);
    // A queue whose tables exist (made by someone else) keeps what its owner chose.
    await ensureQueues(db.pool, ["owned"]);
    await db.pool.query(
      "ALTER TABLE pgmq.q_owned RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, vacuum_index_cleanup)",
    );
    await db.pool.query("ALTER TABLE pgmq.q_owned SET (autovacuum_vacuum_threshold = 123)");
    await ensureQueues(db.pool, ["owned", "vacuumed"]);
    expect(await reloptions("pgmq.q_owned")).toEqual(["autovacuum_vacuum_threshold=123"]);
  });

  it("reports whether a queue exists", async () => {
    expect(await queueExists(db.pool, "never_made")).toBe(false);
    await ensureQueues(db.pool, ["made"]);
    expect(await queueExists(db.pool, "made")).toBe(true);
  });

  it.each([
    ["q; DROP TABLE pgmq.meta; --"],
    ['x" ; drop schema pgmq cascade; --'],
    ["Upper"],
    ["1starts_with_digit"],
    ["a".repeat(48)],
    [""],
  ])("rejects the queue name %j before touching the database", async (name) => {
    await expect(ensureQueues(db.pool, [name])).rejects.toThrow(/invalid queue name/);
    await expect(queueExists(db.pool, name)).rejects.toThrow(/invalid queue name/);
    expect(await queueExists(db.pool, "layout")).toBe(true);
  });

  it("accepts the longest valid name (47 characters)", async () => {
    const name = `l${"o".repeat(46)}`;
    await ensureQueues(db.pool, [name]);
    expect(await queueExists(db.pool, name)).toBe(true);
    const archiveIndex = await indexes(`a_${name}`);
    expect(archiveIndex.map((index) => index.indexname)).toContain(`archived_at_idx_${name}`);
  });
});

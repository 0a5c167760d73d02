import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows } from "./support.js";

const db = useTestDatabase("pgmq_archive");

describe("PgmqClient.archive", () => {
  it("moves messages to the archive with every column and archived_at", async () => {
    const [first, second, third] = await db.pgmq.sendBatch("moved", [{ n: 1 }, { n: 2 }, { n: 3 }], {
      headers: { h: "x" },
    });
    await db.pgmq.read("moved", 30, 1);
    const archived = await db.pgmq.archive("moved", [first!, second!, 123456789n]);
    expect([...archived].sort()).toEqual([first, second].sort());
    expect((await queueRows(db.pool, "moved")).map((row) => row.msg_id)).toEqual([third]);
    const { rows } = await db.pool.query(
      "SELECT msg_id::text AS id, read_ct, message, headers, archived_at, last_read_at FROM pgmq.a_moved AS a ORDER BY a.msg_id",
    );
    expect(rows.map((row) => row.id)).toEqual([first!.toString(), second!.toString()]);
    expect(rows[0]).toMatchObject({ read_ct: 1, message: { n: 1 }, headers: { h: "x" } });
    expect(rows[0].archived_at).toBeInstanceOf(Date);
    expect(rows[0].last_read_at).toBeInstanceOf(Date);
    expect(rows[1].last_read_at).toBeNull();
  });

  it("archives a message once: a second archive of the same id moves nothing", async () => {
    const id = await db.pgmq.send("once", { n: 1 });
    expect(await db.pgmq.archive("once", [id])).toEqual([id]);
    expect(await db.pgmq.archive("once", [id])).toEqual([]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.a_once");
    expect(rows[0].n).toBe(1);
  });

  it("returns [] for no ids", async () => {
    expect(await db.pgmq.archive("once", [])).toEqual([]);
  });
});

describe("PgmqClient.delete", () => {
  it("deletes only the given messages and returns their ids", async () => {
    const ids = await db.pgmq.sendBatch("deleted", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await db.pgmq.delete("deleted", [ids[1]!, 999999n])).toEqual([ids[1]]);
    expect((await queueRows(db.pool, "deleted")).map((row) => row.msg_id)).toEqual([ids[0], ids[2]]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.a_deleted");
    expect(rows[0].n).toBe(0);
  });

  it("acks inside the caller's transaction", async () => {
    const id = await db.pgmq.send("deleted_tx", { n: 1 });
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      expect(await db.pgmq.delete("deleted_tx", [id], client)).toEqual([id]);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect((await queueRows(db.pool, "deleted_tx")).map((row) => row.msg_id)).toEqual([id]);
  });
});

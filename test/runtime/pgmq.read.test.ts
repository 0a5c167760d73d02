import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows } from "./support.js";

const db = useTestDatabase("pgmq_read");

describe("PgmqClient.read", () => {
  it("returns visible messages in send order (the order they became visible), up to quantity, with read_ct 1 on first delivery", async () => {
    const ids = await db.pgmq.sendBatch("ordered", [{ n: 1 }, { n: 2 }, { n: 3 }], { headers: { h: 1 } });
    const read = await db.pgmq.read("ordered", 30, 2);
    expect(read.map((message) => message.msgId)).toEqual(ids.slice(0, 2));
    expect(read[0]).toMatchObject({ readCt: 1, message: { n: 1 }, headers: { h: 1 } });
    expect(read[0]!.enqueuedAt).toBeInstanceOf(Date);
    const rest = await db.pgmq.read("ordered", 30, 10);
    expect(rest.map((message) => message.msgId)).toEqual([ids[2]]);
    expect(await db.pgmq.read("ordered", 30, 10)).toEqual([]);
  });

  it("hides a read message for the visibility timeout and sets last_read_at", async () => {
    const id = await db.pgmq.send("hidden", { n: 1 });
    const before = Date.now();
    const [message] = await db.pgmq.read("hidden", 45, 1);
    const hiddenFor = (message!.vt.getTime() - before) / 1000;
    expect(hiddenFor).toBeGreaterThan(43);
    expect(hiddenFor).toBeLessThan(47);
    const { rows } = await db.pool.query("SELECT last_read_at, vt FROM pgmq.q_hidden WHERE msg_id = $1", [
      id.toString(),
    ]);
    expect(rows[0].last_read_at).toBeInstanceOf(Date);
    expect(rows[0].vt.getTime()).toBe(message!.vt.getTime());
  });

  it("counts each delivery in read_ct", async () => {
    await db.pgmq.send("redelivered", { n: 1 });
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [message] = await db.pgmq.read("redelivered", 0, 1);
      counts.push(message!.readCt);
    }
    expect(counts).toEqual([1, 2, 3]);
  });

  it("skips rows another reader holds (FOR UPDATE SKIP LOCKED)", async () => {
    const ids = await db.pgmq.sendBatch("skip_locked", [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    const holder = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      const held = await db.pgmq.read("skip_locked", 30, 2, holder);
      // The holder's read is not committed: its rows are locked, not yet hidden.
      const other = await db.pgmq.read("skip_locked", 30, 10);
      expect(held.map((message) => message.msgId)).toEqual(ids.slice(0, 2));
      expect(other.map((message) => message.msgId)).toEqual(ids.slice(2));
      await holder.query("ROLLBACK");
    } finally {
      holder.release();
    }
    const again = await db.pgmq.read("skip_locked", 30, 10);
    expect(again.map((message) => message.msgId)).toEqual(ids.slice(0, 2));
  });

  it("gives concurrent readers disjoint messages and loses none", async () => {
    const ids = await db.pgmq.sendBatch(
      "concurrent",
      Array.from({ length: 200 }, (_, n) => ({ n })),
    );
    const batches = await Promise.all(Array.from({ length: 8 }, () => db.pgmq.read("concurrent", 60, 30)));
    const seen = batches.flat().map((message) => message.msgId);
    expect(new Set(seen).size).toBe(seen.length);
    const remaining = await db.pgmq.read("concurrent", 60, 200);
    const all = [...seen, ...remaining.map((message) => message.msgId)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(all).toEqual(ids);
  });

  it("rejects a quantity below 1 or a negative visibility timeout", async () => {
    await db.pgmq.send("bad_read", { n: 1 });
    await expect(db.pgmq.read("bad_read", 30, 0)).rejects.toThrow(RangeError);
    await expect(db.pgmq.read("bad_read", -1, 1)).rejects.toThrow(RangeError);
    expect((await queueRows(db.pool, "bad_read"))[0]!.read_ct).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows } from "./support.js";

const db = useTestDatabase("pgmq_deadLetter");

describe("PgmqClient.deadLetter", () => {
  it("moves killed messages with their headers plus a dead-letter record", async () => {
    const [kept, killed] = await db.pgmq.sendBatch("source", [{ n: 1 }, { n: 2 }], { headers: { traceId: "abc" } });
    await db.pgmq.read("source", 30, 2);
    const before = Date.now();
    const moved = await db.pgmq.deadLetter("source", "source_dlq", [
      { msgId: killed!, reason: "Error: boom", attempts: 4 },
      { msgId: 777777n, reason: "not there", attempts: 1 },
    ]);
    expect(moved).toEqual([killed]);
    expect((await queueRows(db.pool, "source")).map((row) => row.msg_id)).toEqual([kept]);
    const [dead] = await db.pgmq.read("source_dlq", 30, 10);
    expect(dead!.message).toEqual({ n: 2 });
    expect(dead!.headers).toMatchObject({
      traceId: "abc",
      "x-pgmq-gen-dead-letter": {
        error: "Error: boom",
        attempts: 4,
        sourceQueue: "source",
        sourceMsgId: killed!.toString(),
      },
    });
    const record = dead!.headers!["x-pgmq-gen-dead-letter"] as { killedAt: string };
    expect(Math.abs(new Date(record.killedAt).getTime() - before)).toBeLessThan(5_000);
  });

  it("keeps a message's id exact in the record beyond 2^53", async () => {
    await db.pgmq.ensureQueue("big_source");
    await db.pool.query("ALTER TABLE pgmq.q_big_source ALTER COLUMN msg_id RESTART WITH 9007199254740993");
    const id = await db.pgmq.send("big_source", { n: 1 });
    await db.pgmq.deadLetter("big_source", "big_dlq", [{ msgId: id, reason: "x", attempts: 1 }]);
    const [dead] = await db.pgmq.read("big_dlq", 30, 1);
    expect((dead!.headers!["x-pgmq-gen-dead-letter"] as { sourceMsgId: string }).sourceMsgId).toBe("9007199254740993");
  });

  it("starts headers from {} when the message had none", async () => {
    const id = await db.pgmq.send("no_headers", "payload");
    await db.pgmq.deadLetter("no_headers", "no_headers_dlq", [{ msgId: id, reason: "r", attempts: 2 }]);
    const [dead] = await db.pgmq.read("no_headers_dlq", 30, 1);
    expect(dead!.message).toBe("payload");
    expect(Object.keys(dead!.headers!)).toEqual(["x-pgmq-gen-dead-letter"]);
  });

  it("loses nothing and doubles nothing when the dead-letter insert fails", async () => {
    const [good, poisoned] = await db.pgmq.sendBatch("atomic_source", [{ ok: 1 }, { poison: true }]);
    await db.pgmq.ensureQueue("atomic_dlq");
    await db.pool.query(
      "ALTER TABLE pgmq.q_atomic_dlq ADD CONSTRAINT refuse_poison CHECK (message->>'poison' IS NULL)",
    );
    await expect(
      db.pgmq.deadLetter("atomic_source", "atomic_dlq", [
        { msgId: good!, reason: "r", attempts: 1 },
        { msgId: poisoned!, reason: "r", attempts: 1 },
      ]),
    ).rejects.toThrow(/refuse_poison/);
    expect((await queueRows(db.pool, "atomic_source")).map((row) => row.msg_id)).toEqual([good, poisoned]);
    expect(await queueRows(db.pool, "atomic_dlq")).toEqual([]);
  });

  it("moves a message once even when listed twice", async () => {
    const id = await db.pgmq.send("twice", { n: 1 });
    expect(
      await db.pgmq.deadLetter("twice", "twice_dlq", [
        { msgId: id, reason: "a", attempts: 1 },
        { msgId: id, reason: "b", attempts: 1 },
      ]),
    ).toEqual([id]);
    expect(await queueRows(db.pool, "twice_dlq")).toHaveLength(1);
  });

  it("stores SQL-looking reasons as data", async () => {
    const id = await db.pgmq.send("nasty_reason", { n: 1 });
    const reason = "'); DELETE FROM pgmq.q_nasty_reason; --";
    await db.pgmq.deadLetter("nasty_reason", "nasty_reason_dlq", [{ msgId: id, reason, attempts: 1 }]);
    const [dead] = await db.pgmq.read("nasty_reason_dlq", 30, 1);
    expect((dead!.headers!["x-pgmq-gen-dead-letter"] as { error: string }).error).toBe(reason);
  });

  it("refuses a queue as its own dead-letter queue", async () => {
    const id = await db.pgmq.send("self", { n: 1 });
    await expect(db.pgmq.deadLetter("self", "self", [{ msgId: id, reason: "r", attempts: 1 }])).rejects.toThrow(
      RangeError,
    );
    expect(await queueRows(db.pool, "self")).toHaveLength(1);
  });
});

describe("PgmqClient.deadLetter after the dead-letter queue was dropped elsewhere", () => {
  it("fails once, keeps the message, then re-creates the dead-letter queue", async () => {
    const id = await db.pgmq.send("orphan", { n: 1 });
    await db.pgmq.deadLetter("orphan", "orphan_dlq", [
      { msgId: await db.pgmq.send("orphan", { n: 0 }), reason: "r", attempts: 1 },
    ]);
    await new PgmqClient(db.pool).drop("orphan_dlq");
    await expect(db.pgmq.deadLetter("orphan", "orphan_dlq", [{ msgId: id, reason: "r", attempts: 1 }])).rejects.toThrow(
      /does not exist/,
    );
    expect((await queueRows(db.pool, "orphan")).map((row) => row.msg_id)).toEqual([id]);
    expect(await db.pgmq.deadLetter("orphan", "orphan_dlq", [{ msgId: id, reason: "r", attempts: 1 }])).toEqual([id]);
    expect(await queueRows(db.pool, "orphan_dlq")).toHaveLength(1);
  });
});

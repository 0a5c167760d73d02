import pg from "pg";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../packages/runtime/src/errors.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows, tableExists } from "./support.js";

const db = useTestDatabase("pgmq_send");

describe("PgmqClient.send", () => {
  it("creates the queue on first use and stores message and headers", async () => {
    const id = await db.pgmq.send("first", { to: "a@example.com" }, { headers: { traceId: "t1" } });
    expect(typeof id).toBe("bigint");
    const rows = await queueRows(db.pool, "first");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      msg_id: id,
      read_ct: 0,
      message: { to: "a@example.com" },
      headers: { traceId: "t1" },
    });
    expect(rows[0]!.vt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("stores every JSON kind, strings and arrays included, as JSON", async () => {
    const values = ["plain string", [1, "two", null], 42, true, null, { nested: { deep: [1] } }];
    const ids: bigint[] = [];
    for (const value of values) ids.push(await db.pgmq.send("kinds", value));
    const rows = await queueRows(db.pool, "kinds");
    expect(rows.map((row) => row.message)).toEqual(values);
    expect(rows.map((row) => row.msg_id)).toEqual(ids);
  });

  it("delays by a number of seconds", async () => {
    const id = await db.pgmq.send("delayed", { n: 1 }, { delay: 120 });
    const [row] = await queueRows(db.pool, "delayed");
    expect(row!.msg_id).toBe(id);
    const delay = (row!.vt.getTime() - row!.enqueued_at.getTime()) / 1000;
    expect(delay).toBeGreaterThan(119);
    expect(delay).toBeLessThan(121);
    expect(await db.pgmq.read("delayed", 30, 10)).toEqual([]);
  });

  it("delays until a Date", async () => {
    const at = new Date(Date.now() + 3_600_000);
    at.setMilliseconds(250);
    await db.pgmq.send("delayed_until", { n: 1 }, { delay: at });
    const [row] = await queueRows(db.pool, "delayed_until");
    expect(row!.vt.getTime()).toBe(at.getTime());
    expect(await db.pgmq.read("delayed_until", 30, 10)).toEqual([]);
  });

  it("a Date in the past is visible at once", async () => {
    const id = await db.pgmq.send("past", { n: 1 }, { delay: new Date(Date.now() - 60_000) });
    const read = await db.pgmq.read("past", 30, 10);
    expect(read.map((message) => message.msgId)).toEqual([id]);
  });

  it("rejects negative or non-finite delays and sends nothing", async () => {
    await db.pgmq.send("bad_delay", { n: 0 });
    await expect(db.pgmq.send("bad_delay", { n: 1 }, { delay: -1 })).rejects.toThrow(RangeError);
    await expect(db.pgmq.send("bad_delay", { n: 1 }, { delay: Number.NaN })).rejects.toThrow(RangeError);
    await expect(db.pgmq.send("bad_delay", { n: 1 }, { delay: new Date(Number.NaN) })).rejects.toThrow(RangeError);
    expect(await queueRows(db.pool, "bad_delay")).toHaveLength(1);
  });

  it("keeps message ids beyond 2^53 exact", async () => {
    await db.pgmq.ensureQueue("big_ids");
    await db.pool.query("ALTER TABLE pgmq.q_big_ids ALTER COLUMN msg_id RESTART WITH 9007199254740993");
    const id = await db.pgmq.send("big_ids", { n: 1 });
    expect(id).toBe(9007199254740993n);
    const [batchFirst, batchSecond] = await db.pgmq.sendBatch("big_ids", [{ n: 2 }, { n: 3 }]);
    expect([batchFirst, batchSecond]).toEqual([9007199254740994n, 9007199254740995n]);
    const read = await db.pgmq.read("big_ids", 30, 10);
    expect(read.map((message) => message.msgId)).toEqual([9007199254740993n, 9007199254740994n, 9007199254740995n]);
    expect(await db.pgmq.archive("big_ids", [9007199254740993n])).toEqual([9007199254740993n]);
    const { rows } = await db.pool.query("SELECT msg_id::text AS id FROM pgmq.a_big_ids");
    expect(rows).toEqual([{ id: "9007199254740993" }]);
  });

  it("stores SQL-looking messages and headers as data", async () => {
    const nasty = "'); DROP TABLE pgmq.meta; --";
    const id = await db.pgmq.send("injection", { text: nasty, [nasty]: nasty }, { headers: { [nasty]: `"${nasty}` } });
    const [row] = await queueRows(db.pool, "injection");
    expect(row).toMatchObject({
      msg_id: id,
      message: { text: nasty, [nasty]: nasty },
      headers: { [nasty]: `"${nasty}` },
    });
    expect(await tableExists(db.pool, "pgmq.meta")).toBe(true);
  });

  it("rejects SQL-looking queue names and creates nothing", async () => {
    for (const name of ["x; DROP TABLE pgmq.meta", 'q"; --', "Q", "with space"]) {
      await expect(db.pgmq.send(name, { n: 1 })).rejects.toThrow(/invalid queue name/);
    }
    expect(await tableExists(db.pool, "pgmq.meta")).toBe(true);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pgmq.meta WHERE queue_name !~ '^[a-z][a-z0-9_]*$'",
    );
    expect(rows[0].n).toBe(0);
  });

  it("joins the caller's transaction when given a client", async () => {
    await db.pgmq.ensureQueue("in_tx");
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await db.pgmq.send("in_tx", { n: "rolled back" }, { client });
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      const kept = await db.pgmq.send("in_tx", { n: "committed" }, { client });
      expect(await queueRows(db.pool, "in_tx")).toHaveLength(0);
      await client.query("COMMIT");
      const rows = await queueRows(db.pool, "in_tx");
      expect(rows.map((row) => [row.msg_id, row.message])).toEqual([[kept, { n: "committed" }]]);
    } finally {
      client.release();
    }
  });

  it("notifies channel pgmq.q_<queue>.INSERT on insert", async () => {
    await db.pgmq.ensureQueue("notified");
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const received = new Promise<pg.Notification>((resolve) => listener.once("notification", resolve));
      await listener.query('LISTEN "pgmq.q_notified.INSERT"');
      await db.pgmq.send("notified", { n: 1 });
      const notification = await received;
      expect(notification.channel).toBe("pgmq.q_notified.INSERT");
    } finally {
      await listener.end();
    }
  });

  it("does not touch pg's global type parsers", async () => {
    await db.pgmq.send("parsers", { n: 1 });
    const { rows } = await db.pool.query("SELECT 9007199254740993::int8 AS big, now() AS at");
    expect(rows[0].big).toBe("9007199254740993");
    expect(rows[0].at).toBeInstanceOf(Date);
  });
});

describe("PgmqClient.send: what PostgreSQL cannot store", () => {
  it("round two #18: NUL, lone surrogates, BigInt and bad headers are ValidationErrors with pointers, and nothing is sent", async () => {
    await db.pgmq.send("unstorable", { n: 0 });
    const cases: [() => Promise<unknown>, string[]][] = [
      [() => db.pgmq.send("unstorable", { text: "a\u0000" }), ["/text"]],
      [() => db.pgmq.send("unstorable", ["\ud800"]), ["/0"]],
      [() => db.pgmq.send("unstorable", { n: 1n } as never), ["/n"]],
      [() => db.pgmq.send("unstorable", { n: 1 }, { headers: { h: "\u0000" } }), ["headers/h"]],
      [() => db.pgmq.send("unstorable", { n: 1 }, { headers: "text" as never }), ["headers"]],
      [() => db.pgmq.sendBatch("unstorable", [{ n: 1 }, { text: "\udc00" }]), ["/1/text"]],
    ];
    for (const [send, pointers] of cases) {
      const error = await send().then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error, pointers.join()).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.pointer)).toEqual(pointers);
    }
    expect(await queueRows(db.pool, "unstorable")).toHaveLength(1);
  });

  it("round two #18: a delay past PostgreSQL's range is a RangeError, before anything is sent", async () => {
    await db.pgmq.send("delay_range", { n: 0 });
    await expect(db.pgmq.send("delay_range", { n: 1 }, { delay: 1e15 })).rejects.toThrow(/^delay: .*294276/);
    await expect(db.pgmq.sendBatch("delay_range", [{ n: 1 }], { delay: new Date(-8.64e15) })).rejects.toThrow(
      RangeError,
    );
    expect(await queueRows(db.pool, "delay_range")).toHaveLength(1);
  });
});

describe("PgmqClient.sendBatch", () => {
  it("sends many messages in order, with shared headers", async () => {
    const messages = Array.from({ length: 50 }, (_, index) => ({ index }));
    const ids = await db.pgmq.sendBatch("batch", messages, { headers: { source: "batch" } });
    expect(ids).toHaveLength(50);
    const rows = await queueRows(db.pool, "batch");
    expect(rows.map((row) => row.msg_id)).toEqual(ids);
    expect(rows.map((row) => row.message)).toEqual(messages);
    expect(rows.every((row) => (row.headers as { source: string }).source === "batch")).toBe(true);
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
  });

  it("delays the whole batch by seconds or until a Date", async () => {
    await db.pgmq.sendBatch("batch_delay", [{ a: 1 }, { a: 2 }], { delay: 60 });
    const at = new Date(Date.now() + 7_200_000);
    await db.pgmq.sendBatch("batch_delay", [{ a: 3 }], { delay: at });
    const rows = await queueRows(db.pool, "batch_delay");
    expect(rows.slice(0, 2).every((row) => row.vt.getTime() - row.enqueued_at.getTime() > 59_000)).toBe(true);
    expect(rows[2]!.vt.getTime()).toBe(at.getTime());
    expect(await db.pgmq.read("batch_delay", 30, 10)).toEqual([]);
  });

  it("returns [] for an empty batch", async () => {
    expect(await db.pgmq.sendBatch("batch_empty", [])).toEqual([]);
  });

  it("is all or none: a batch the database rejects stores nothing", async () => {
    await db.pgmq.ensureQueue("batch_atomic");
    await db.pool.query("ALTER TABLE pgmq.q_batch_atomic ADD CONSTRAINT no_poison CHECK (message->>'poison' IS NULL)");
    await expect(db.pgmq.sendBatch("batch_atomic", [{ ok: 1 }, { poison: true }, { ok: 2 }])).rejects.toThrow(
      /no_poison/,
    );
    expect(await queueRows(db.pool, "batch_atomic")).toEqual([]);
  });
});

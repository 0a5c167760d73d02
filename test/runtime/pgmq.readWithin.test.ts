import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows } from "./support.js";

const KiB = 1024;
const MiB = 1024 * KiB;

const db = useTestDatabase("pgmq_read_within");

const noLimits = { maxBytes: 2 ** 40, inlineBytes: 2 ** 40, inlineReadCt: 2 ** 31 - 1 };

/** Inserts messages `{ "n": i, "blob": <blob> }` by SQL (as another client would); returns their ids. */
async function insertBlobs(queue: string, count: number, blobSql: string): Promise<bigint[]> {
  await db.pgmq.ensureQueue(queue);
  const { rows } = await db.pool.query<{ msg_id: string }>(
    `INSERT INTO pgmq.q_${queue} (vt, message)
     SELECT clock_timestamp(), jsonb_build_object('n', i, 'blob', ${blobSql}) FROM generate_series(1, $1::int) AS i
     RETURNING msg_id::text AS msg_id`,
    [count],
  );
  return rows.map((row) => BigInt(row.msg_id)).sort((a, b) => (a < b ? -1 : 1));
}

async function textSizes(queue: string): Promise<Map<bigint, number>> {
  const { rows } = await db.pool.query<{ msg_id: string; bytes: number }>(
    `SELECT msg_id::text AS msg_id, octet_length(message::text) + coalesce(octet_length(headers::text), 0) AS bytes FROM pgmq.q_${queue}`,
  );
  return new Map(rows.map((row) => [BigInt(row.msg_id), row.bytes]));
}

describe("PgmqClient.readWithin", () => {
  it("round two #13: takes messages while the payloads before them stay under the byte budget, at least one, each once", async () => {
    // 100 KB of text each, ~1.2 KB stored (compressed): all ten are within the budget's measured share.
    const ids = await insertBlobs("budget", 10, `repeat('ab', 50000)`);
    const sizes = await textSizes("budget");
    const budget = 250 * KiB;
    const seen: bigint[] = [];
    for (let reads = 0; reads < 20 && seen.length < ids.length; reads++) {
      const { messages, cutByBytes } = await db.pgmq.readWithin("budget", 30, 100, { ...noLimits, maxBytes: budget });
      expect(messages.length).toBeGreaterThan(0);
      const total = messages.reduce((sum, message) => sum + message.payloadBytes!, 0);
      const last = messages.at(-1)!;
      // At most the budget plus one message: every message but the last started under the budget.
      expect(total - last.payloadBytes!).toBeLessThan(budget);
      for (const message of messages) {
        expect(message.payloadBytes).toBe(sizes.get(message.msgId));
        expect(message.payloadDeferred).toBe(false);
        expect((message.message as { blob: string }).blob).toHaveLength(100_000);
      }
      expect(messages).toHaveLength(Math.min(3, ids.length - seen.length));
      seen.push(...messages.map((message) => message.msgId));
      expect(cutByBytes).toBe(seen.length < ids.length);
    }
    expect(seen).toEqual(ids);
    expect((await db.pgmq.readWithin("budget", 30, 100, noLimits)).messages).toEqual([]);
  });

  it("round two #13: measures a payload by its JSON text, not its compressed stored size, and never takes none", async () => {
    // 5 MiB of one character stores as ~60 KB compressed.
    const ids = await insertBlobs("compressed", 4, `repeat('x', ${5 * MiB})`);
    const { rows } = await db.pool.query<{ stored: number }>(
      `SELECT max(pg_column_size(message)) AS stored FROM pgmq.q_compressed`,
    );
    expect(rows[0]!.stored).toBeLessThan(200 * KiB);
    const first = await db.pgmq.readWithin("compressed", 30, 10, { ...noLimits, maxBytes: 8 * MiB });
    expect(first.messages.map((message) => message.msgId)).toEqual(ids.slice(0, 2));
    expect(first.cutByBytes).toBe(true);
    // A budget of one byte still takes the first visible message.
    const second = await db.pgmq.readWithin("compressed", 30, 10, { ...noLimits, maxBytes: 1 });
    expect(second.messages.map((message) => message.msgId)).toEqual([ids[2]]);
    expect(second.messages[0]!.payloadBytes).toBeGreaterThan(5 * MiB);
    // Read_ct counts only the messages taken.
    const readCts = (await queueRows(db.pool, "compressed")).map((row) => row.read_ct);
    expect(readCts).toEqual([1, 1, 1, 0]);
  });

  it("round two #13: leaves a payload over the inline limit out and takes it alone; its read is counted even if it is never fetched", async () => {
    const small = await db.pgmq.send("deferred", { n: 1 }, { headers: { h: "x" } });
    const [big] = await insertBlobs("deferred", 1, `repeat('y', ${3 * MiB})`);
    const after = await db.pgmq.send("deferred", { n: 2 });
    const limits = { ...noLimits, inlineBytes: 1 * MiB };
    // The read stops before the big one: it is only ever taken as a read's first message.
    const first = await db.pgmq.readWithin("deferred", 30, 10, limits);
    expect(first.messages).toHaveLength(1);
    expect(first.messages[0]).toMatchObject({
      msgId: small,
      message: { n: 1 },
      headers: { h: "x" },
      payloadDeferred: false,
    });
    expect(first.cutByBytes).toBe(true);
    const second = await db.pgmq.readWithin("deferred", 30, 10, limits);
    expect(second.messages).toHaveLength(1);
    expect(second.messages[0]).toMatchObject({
      msgId: big,
      readCt: 1,
      message: null,
      headers: null,
      payloadDeferred: true,
    });
    expect(second.messages[0]!.payloadBytes).toBe((await textSizes("deferred")).get(big!));
    // The delivery is committed before any payload is fetched: a worker that dies fetching it has used an attempt.
    const rows = await queueRows(db.pool, "deferred");
    expect(rows.map((row) => row.read_ct)).toEqual([1, 1, 0]);
    expect(rows[1]!.vt.getTime()).toBeGreaterThan(Date.now() + 20_000);
    const payload = await db.pgmq.readPayload("deferred", big!);
    expect((payload!.message as { blob: string }).blob).toHaveLength(3 * MiB);
    expect(payload!.headers).toBeNull();
    // Fetching changes nothing.
    expect((await queueRows(db.pool, "deferred")).map((row) => row.read_ct)).toEqual([1, 1, 0]);
    expect((await db.pgmq.readWithin("deferred", 30, 10, limits)).messages.map((message) => message.msgId)).toEqual([
      after,
    ]);
    await db.pgmq.delete("deferred", [big!]);
    expect(await db.pgmq.readPayload("deferred", big!)).toBeNull();
  });

  it("round two #13: leaves out (and does not measure) the payload of a message past the read_ct limit", async () => {
    await db.pgmq.ensureQueue("past_limit");
    const { rows } = await db.pool.query<{ msg_id: string }>(
      `INSERT INTO pgmq.q_past_limit (vt, message, read_ct) VALUES
         (clock_timestamp(), '{"n": 1}', 2), (clock_timestamp(), jsonb_build_object('blob', repeat('z', ${2 * MiB})), 3)
       RETURNING msg_id::text AS msg_id`,
    );
    const { messages } = await db.pgmq.readWithin("past_limit", 30, 10, {
      maxBytes: 1000,
      inlineBytes: 2 ** 40,
      inlineReadCt: 3,
    });
    // Unmeasured, the past-limit payload takes no room: both are taken in one read.
    expect(messages.map((message) => message.msgId.toString())).toEqual(rows.map((row) => row.msg_id));
    expect(messages[0]).toMatchObject({ readCt: 3, message: { n: 1 }, payloadDeferred: false });
    expect(messages[1]).toMatchObject({ readCt: 4, message: null, payloadDeferred: true, payloadBytes: 0 });
  });

  it("round two #13: keeps PGMQ's read semantics: SQL NULL messages, skip locked, and PGMQ-style reads of the same queue", async () => {
    await db.pgmq.ensureQueue("mixed");
    await db.pool.query(
      `INSERT INTO pgmq.q_mixed (vt, message) VALUES (clock_timestamp(), NULL), (clock_timestamp(), '"s"')`,
    );
    const holder = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      const held = await db.pgmq.readWithin("mixed", 30, 1, noLimits, holder);
      const other = await db.pgmq.readWithin("mixed", 30, 10, noLimits);
      expect(held.messages[0]).toMatchObject({ message: null, payloadDeferred: false, payloadBytes: 0 });
      expect(other.messages.map((message) => message.message)).toEqual(["s"]);
      await holder.query("ROLLBACK");
    } finally {
      holder.release();
    }
    const plain = await db.pgmq.read("mixed", 30, 10);
    expect(plain.map((message) => [message.message, message.readCt])).toEqual([[null, 1]]);
  });

  it("round two #13: rejects limits that are not integers in range", async () => {
    await db.pgmq.ensureQueue("bad_limits");
    await expect(db.pgmq.readWithin("bad_limits", 30, 1, { ...noLimits, maxBytes: 0 })).rejects.toThrow(RangeError);
    await expect(db.pgmq.readWithin("bad_limits", 30, 1, { ...noLimits, maxBytes: 1e21 })).rejects.toThrow(RangeError);
    await expect(db.pgmq.readWithin("bad_limits", 30, 1, { ...noLimits, inlineBytes: -1 })).rejects.toThrow(RangeError);
  });
});

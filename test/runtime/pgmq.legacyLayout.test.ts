/**
 * Tables made by an older PGMQ: before 1.5 there is no `headers` column,
 * before 1.8 no `last_read_at`. The client must build its statements for
 * the columns that exist.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { emailDefinition } from "./support.js";

const db = useTestDatabase("pgmq_legacyLayout");

async function createLegacyQueue(queue: string): Promise<void> {
  // PGMQ 1.4's layout, written out by hand (the queue name is a test constant).
  await db.pool.query(`
    CREATE SCHEMA IF NOT EXISTS pgmq;
    CREATE TABLE IF NOT EXISTS pgmq.meta (queue_name varchar UNIQUE NOT NULL, is_partitioned boolean NOT NULL,
      is_unlogged boolean NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE pgmq.q_${queue} (msg_id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      read_ct int NOT NULL DEFAULT 0, enqueued_at timestamptz NOT NULL DEFAULT now(),
      vt timestamptz NOT NULL, message jsonb);
    CREATE TABLE pgmq.a_${queue} (msg_id bigint PRIMARY KEY, read_ct int NOT NULL DEFAULT 0,
      enqueued_at timestamptz NOT NULL DEFAULT now(), archived_at timestamptz NOT NULL DEFAULT now(),
      vt timestamptz NOT NULL, message jsonb);
    INSERT INTO pgmq.meta VALUES ('${queue}', false, false);
  `);
}

beforeAll(async () => {
  await createLegacyQueue("old");
  await createLegacyQueue("old_dlq");
});

describe("PgmqClient on PGMQ 1.4 tables (no headers, no last_read_at)", () => {
  it("sends, reads (headers null), archives and dead-letters", async () => {
    const [a, b, c] = await db.pgmq.sendBatch("old", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const read = await db.pgmq.read("old", 30, 10);
    expect(read.map((message) => [message.msgId, message.readCt, message.headers])).toEqual([
      [a, 1, null],
      [b, 1, null],
      [c, 1, null],
    ]);
    expect(await db.pgmq.archive("old", [a!])).toEqual([a]);
    const { rows } = await db.pool.query("SELECT message FROM pgmq.a_old");
    expect(rows).toEqual([{ message: { n: 1 } }]);
    expect(await db.pgmq.setVisibility("old", [{ msgId: b!, delaySeconds: 0 }])).toEqual([b]);
    expect(await db.pgmq.deadLetter("old", "old_dlq", [{ msgId: c!, reason: "r", attempts: 1 }])).toEqual([c]);
    const [dead] = await db.pgmq.read("old_dlq", 30, 1);
    expect(dead!.message).toEqual({ n: 3 });
  });

  it("refuses headers it cannot store, and stores nothing", async () => {
    await expect(db.pgmq.send("old", { n: 9 }, { headers: { h: 1 } })).rejects.toThrow(/no headers column/);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.q_old WHERE message = '{\"n\": 9}'");
    expect(rows[0].n).toBe(0);
  });

  it("issue 14 #3: a producer's version stamp alone is left out (the message reads as unstamped); a caller's headers are refused", async () => {
    configure({ pool: db.pool });
    const producer = createProducer(emailDefinition("old"));
    const job = { to: "a@example.com", subject: "legacy" };
    const [pushed] = await producer.pushBatch([job]);
    const id = await producer.push(job);
    const { rows } = await db.pool.query<{ id: string }>(
      "SELECT msg_id::text AS id FROM pgmq.q_old WHERE message ->> 'subject' = 'legacy' ORDER BY msg_id",
    );
    expect(rows.map((row) => BigInt(row.id))).toEqual([pushed, id]);
    await expect(producer.push(job, { headers: { traceId: "t" } })).rejects.toThrow(/no headers column/);
  });

  it("does not add columns or triggers to tables it did not create", async () => {
    const { rows } = await db.pool.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'pgmq' AND table_name = 'q_old'",
    );
    expect(rows.map((row) => row.column_name).sort()).toEqual(["enqueued_at", "message", "msg_id", "read_ct", "vt"]);
  });
});

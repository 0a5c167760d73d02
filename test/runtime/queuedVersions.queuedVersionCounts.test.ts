/**
 * `queuedVersionCounts` (issue 14 §3): a queue's messages counted by their
 * version stamp, every row of the queue table (visible, delayed, in
 * flight), unstamped and malformed stamps as null, so a team knows when a
 * version can leave `previousVersions`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import { queuedVersionCounts } from "../../packages/runtime/src/queuedVersions.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { type EmailJob, versionedEmailDefinition } from "./support.js";

const db = useTestDatabase("queued_version_counts");
beforeAll(() => {
  configure({ pool: db.pool });
});

const job: EmailJob = { to: "a@example.com", subject: "s" };

/** Inserts a message with these headers as JSON text (null for none), as another PGMQ client might. */
async function insertWithHeaders(queue: string, headersJson: string | null): Promise<void> {
  await db.pool.query(
    `INSERT INTO pgmq.q_${queue} (vt, message, headers) VALUES (clock_timestamp(), '{}'::jsonb, $1::jsonb)`,
    [headersJson],
  );
}

describe("issue 14 #3: queuedVersionCounts", () => {
  it("issue 14 #3: counts visible, delayed and in-flight messages per stamped version, unstamped then invalidly stamped first (version null), told apart by stamp", async () => {
    const queue = "signup_email";
    await createProducer(versionedEmailDefinition(queue, 1)).pushBatch([job, job]);
    const v2 = createProducer(versionedEmailDefinition(queue, 2));
    await v2.push(job);
    await v2.push(job, { delay: 3600 });
    await v2.push(job, { headers: { traceId: "t" } });
    // One of the version 1 messages is in flight.
    expect(await db.pgmq.read(queue, 600, 1)).toHaveLength(1);
    await insertWithHeaders(queue, null);
    await insertWithHeaders(queue, '{"traceId": "foreign"}');
    for (const malformed of ['"2"', "0", "-1", "1.5", "null", "9007199254740992", '{"v": 1}']) {
      await insertWithHeaders(queue, `{"x-pgmq-gen-version": ${malformed}}`);
    }
    // A JSON 2.0 is the number 2, as a worker reads it.
    await insertWithHeaders(queue, '{"x-pgmq-gen-version": 2.0}');
    await insertWithHeaders(queue, '{"x-pgmq-gen-version": 9007199254740991}');

    expect(await queuedVersionCounts(queue)).toEqual([
      { version: null, stamp: "none", count: 2 },
      { version: null, stamp: "invalid", count: 7 },
      { version: 1, stamp: "version", count: 2 },
      { version: 2, stamp: "version", count: 4 },
      { version: 9007199254740991, stamp: "version", count: 1 },
    ]);
  });

  it("issue 14 #3: an empty queue has no rows; a missing queue is a QueueMissingError and is not created", async () => {
    await db.pgmq.ensureQueue("empty_queue");
    expect(await queuedVersionCounts("empty_queue")).toEqual([]);
    const missing = queuedVersionCounts("no_such_queue");
    await expect(missing).rejects.toBeInstanceOf(QueueMissingError);
    await expect(missing).rejects.toThrow(/queuedVersionCounts does not create queues/);
    const { rows } = await db.pool.query("SELECT to_regclass('pgmq.q_no_such_queue') AS table");
    expect(rows[0].table).toBeNull();
    await expect(queuedVersionCounts("Bad Name")).rejects.toThrow(/invalid queue name/);
  });

  it("issue 14 #3: on a given client it counts what that client's transaction sees", async () => {
    const queue = "in_transaction";
    await db.pgmq.ensureQueue(queue);
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await createProducer(versionedEmailDefinition(queue, 3)).push(job, { client });
      expect(await queuedVersionCounts(queue, { db: client })).toEqual([{ version: 3, stamp: "version", count: 1 }]);
      expect(await queuedVersionCounts(queue, { db: db.pool })).toEqual([]);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
  });

  it("issue 14 #3: a table made by PGMQ before 1.5 (no headers column) counts every message as unstamped", async () => {
    await db.pool.query(`
      CREATE TABLE pgmq.q_legacy (msg_id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
        read_ct int NOT NULL DEFAULT 0, enqueued_at timestamptz NOT NULL DEFAULT now(),
        vt timestamptz NOT NULL, message jsonb);
      INSERT INTO pgmq.q_legacy (vt, message) VALUES (now(), '{}'), (now(), '{}');
    `);
    expect(await queuedVersionCounts("legacy")).toEqual([{ version: null, stamp: "none", count: 2 }]);
  });
});

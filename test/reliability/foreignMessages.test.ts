/**
 * Messages a foreign producer wrote straight into the queue table: not valid
 * for the schema, `null`, other JSON types, 10 MB, nested 10,000 levels deep,
 * headers that are not an object. Each must be killed (dead-lettered, with its
 * reason) without its handler running, while the valid messages around them
 * are processed once each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, createQueueWorker, ensureQueues } from "@pgmq-gen/runtime";
import type { Worker } from "@pgmq-gen/runtime";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { reliabilityQueueDefinition, type ReliabilityJob } from "./harness/reliabilityQueue.js";
import { sleep } from "./harness/scenarioSetup.js";

const db = useTestDatabase("reliability_foreign");
let worker: Worker | undefined;
beforeAll(async () => {
  configure({ pool: db.pool });
});
afterAll(async () => {
  await worker?.stop();
});

const TEN_MB = 10 * 1024 * 1024;

/** SQL expressions for `message` (and `headers`) of each foreign row; none is a valid job. */
const foreign: Array<{ name: string; message: string; headers?: string }> = [
  { name: "wrong type for id", message: `'{"id": "seven", "sleepMs": 0}'::jsonb` },
  { name: "missing required key", message: `'{"sleepMs": 0}'::jsonb` },
  { name: "extra key", message: `'{"id": 1, "sleepMs": 0, "admin": true}'::jsonb` },
  { name: "out of bounds", message: `'{"id": -1, "sleepMs": 0}'::jsonb` },
  { name: "JSON null", message: `'null'::jsonb` },
  { name: "SQL NULL", message: "NULL" },
  { name: "a string", message: `'"{\\"id\\": 1}"'::jsonb` },
  { name: "an array", message: `'[1, 2, 3]'::jsonb` },
  { name: "a number", message: `'42'::jsonb` },
  { name: "10 MB", message: `jsonb_build_object('id', 1, 'sleepMs', 0, 'blob', repeat('x', ${TEN_MB}))` },
  { name: "10 MB string", message: `to_jsonb(repeat('y', ${TEN_MB}))` },
  {
    name: "nested 10,000 levels",
    message: `('{"id": ' || repeat('[', 10000) || repeat(']', 10000) || ', "sleepMs": 0}')::jsonb`,
  },
  { name: "nested 10,000 levels of objects", message: `(repeat('{"a":', 10000) || '1' || repeat('}', 10000))::jsonb` },
];

describe("messages written into the queue table by a foreign producer", () => {
  it("are dead-lettered with their reason while the valid ones around them run once each", {
    timeout: 120_000,
  }, async () => {
    const queue = "foreign";
    const definition = reliabilityQueueDefinition({
      queue,
      deadLetter: "foreign_dead",
      maxRetries: 3,
      retryDelay: 0.1,
    });
    await ensureQueues(db.pool, [queue, "foreign_dead"]);

    // valid, foreign, valid, foreign, ..., valid: every foreign row has valid neighbours.
    const foreignIds = new Map<string, string>();
    const validJobIds: number[] = [];
    let nextJob = 1000;
    const insertValid = async (headers = "NULL") => {
      validJobIds.push(nextJob);
      await db.pool.query(
        `INSERT INTO pgmq.q_foreign (vt, message, headers) VALUES (clock_timestamp(), jsonb_build_object('id', $1::int, 'sleepMs', 0), ${headers})`,
        [nextJob++],
      );
    };
    for (const row of foreign) {
      await insertValid();
      const inserted = await db.pool.query<{ msg_id: string }>(
        `INSERT INTO pgmq.q_foreign (vt, message, headers) VALUES (clock_timestamp(), ${row.message}, ${row.headers ?? "NULL"}) RETURNING msg_id::text`,
      );
      foreignIds.set(inserted.rows[0]!.msg_id, row.name);
    }
    await insertValid();
    // Valid payloads under headers a foreign producer got wrong: still jobs, they run.
    await insertValid(`'"not an object"'::jsonb`);
    await insertValid(`'[1, 2]'::jsonb`);
    await insertValid(`'{"x-sql": "''; DROP TABLE pgmq.meta; --"}'::jsonb`);

    const handled: number[] = [];
    const kills: Array<{ msgId: string; reason: string; deadLetter: string | null; attempt: number }> = [];
    const errors: unknown[] = [];
    worker = createQueueWorker(
      [definition],
      { [queue]: (job: ReliabilityJob) => void handled.push(job.id) },
      {
        pool: db.pool,
        concurrency: 4,
        pollInterval: 100,
      },
    );
    worker.on("job:kill", (event) =>
      kills.push({
        msgId: event.msgId.toString(),
        reason: event.reason,
        deadLetter: event.deadLetter,
        attempt: event.attempt,
      }),
    );
    worker.on("error", (error) => errors.push(error));
    await worker.start();

    const deadline = Date.now() + 90_000;
    for (;;) {
      const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM pgmq.q_foreign");
      if (Number(rows[0]!.n) === 0 && handled.length >= validJobIds.length) break;
      if (Date.now() > deadline)
        throw new Error(`queue not drained: ${rows[0]!.n} left, ${handled.length} handled, ${kills.length} killed`);
      await sleep(100);
    }
    await worker.stop();
    worker = undefined;

    expect(errors).toEqual([]);
    expect([...handled].sort((a, b) => a - b)).toEqual(validJobIds);
    // Every foreign message killed once, on its first delivery, with a reason, into the dead-letter queue.
    expect(kills.map((kill) => foreignIds.get(kill.msgId)).sort()).toEqual([...foreignIds.values()].sort());
    for (const kill of kills) {
      expect(kill.reason.length, foreignIds.get(kill.msgId)).toBeGreaterThan(10);
      expect(kill.attempt, foreignIds.get(kill.msgId)).toBe(1);
      expect(kill.deadLetter).toBe("foreign_dead");
    }
    const dead = await db.pool.query<{ source: string; error: string; size: number }>(
      `SELECT headers->'x-pgmq-gen-dead-letter'->>'sourceMsgId' AS source,
              headers->'x-pgmq-gen-dead-letter'->>'error' AS error,
              coalesce(octet_length(message::text), 0) AS size
         FROM pgmq.q_foreign_dead`,
    );
    expect(dead.rows.map((row) => foreignIds.get(row.source)).sort()).toEqual([...foreignIds.values()].sort());
    for (const row of dead.rows) expect(row.error, foreignIds.get(row.source)).toBeTruthy();
    // The 10 MB messages were moved whole, not truncated.
    const bigOnes = dead.rows.filter((row) => foreignIds.get(row.source)?.startsWith("10 MB"));
    expect(bigOnes.map((row) => row.size >= TEN_MB)).toEqual([true, true]);
    // The valid ones were archived.
    const archived = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM pgmq.a_foreign");
    expect(Number(archived.rows[0]!.n)).toBe(validJobIds.length);
  });
});

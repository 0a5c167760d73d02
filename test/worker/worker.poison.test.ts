/**
 * Messages that must not run: written by a foreign producer (not matching the
 * schema, `null`, not decodable by the codec) or already delivered more
 * often than the queue allows. Each is killed with its reason while valid
 * messages around it run.
 */
import { describe, expect, it } from "vitest";
import { createQueueCodec } from "../../packages/runtime/src/codec.js";
import type { CompiledValidator, QueueDefinition } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { Ajv } from "ajv";
import {
  archivedIds,
  defaultTestQueueOptions,
  insertRawMessage,
  queueRows,
  testJobSchema,
  testQueue,
  type TestJob,
  waitFor,
  collectWorkerEvents,
} from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_poison");

describe("poison messages", () => {
  it("dead-letters messages that do not match the schema, null and non-objects, and runs the valid ones", async () => {
    const name = "poison_schema";
    await db.pgmq.ensureQueue(name);
    const valid1 = await insertRawMessage(db.pool, name, JSON.stringify({ n: 1 }));
    const wrongType = await insertRawMessage(db.pool, name, JSON.stringify({ n: "one" }));
    const nullMessage = await insertRawMessage(db.pool, name, null);
    const extra = await insertRawMessage(db.pool, name, JSON.stringify({ n: 2, evil: true }));
    const valid2 = await insertRawMessage(db.pool, name, JSON.stringify({ n: 3 }));

    const ran: number[] = [];
    const worker = createQueueWorker(
      { [name]: testQueue(name, { deadLetter: "poison_schema_dlq", maxRetries: 10 }) },
      { [name]: (job: TestJob) => void ran.push(job.n) },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { kills, completes, errors } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => kills.length === 3 && completes.length === 2, 10_000, "3 kills and 2 completions");

    expect(ran.sort()).toEqual([1, 3]);
    expect(await archivedIds(db.pool, name)).toEqual([valid1, valid2]);
    expect(await queueRows(db.pool, name)).toEqual([]);
    expect(kills.map((kill) => kill.msgId).sort()).toEqual([wrongType, nullMessage, extra].sort());
    for (const kill of kills) {
      expect(kill.deadLetter).toBe("poison_schema_dlq");
      expect(kill.attempt).toBe(1);
      expect((kill.error as Error).name).toBe("DecodeError");
      expect(kill.reason).toContain(`message ${kill.msgId}`);
    }
    const reasonOf = (id: bigint) => kills.find((kill) => kill.msgId === id)!.reason;
    expect(reasonOf(wrongType)).toContain("/n must be integer");
    expect(reasonOf(extra)).toContain("evil");

    const dead = await queueRows(db.pool, "poison_schema_dlq");
    expect(dead.map((row) => row.message)).toEqual([{ n: "one" }, null, { n: 2, evil: true }]);
    for (const row of dead) {
      const record = row.headers!["x-pgmq-gen-dead-letter"] as Record<string, unknown>;
      expect(record.sourceQueue).toBe(name);
      expect(record.attempts).toBe(1);
      expect(record.error).toBe(reasonOf(BigInt(record.sourceMsgId as string)));
    }
    expect(errors).toEqual([]);
  });

  it("kills a message whose codec transform throws (not decodable), deleting it without a dead-letter queue", async () => {
    const name = "poison_transform";
    const validator = new Ajv({ strict: true }).compile(testJobSchema) as CompiledValidator;
    const definition: QueueDefinition<string, TestJob> = {
      name,
      options: defaultTestQueueOptions,
      codec: createQueueCodec<TestJob>({
        queue: name,
        validator,
        transform: {
          encode: (payload) => ({ wrapped: payload }),
          decode: (stored) => {
            if (typeof stored !== "object" || stored === null || !("wrapped" in stored)) {
              throw new Error("not a wrapped payload");
            }
            return (stored as { wrapped: TestJob & { [key: string]: never } }).wrapped;
          },
        },
      }),
    };
    await db.pgmq.ensureQueue(name);
    const bad = await insertRawMessage(db.pool, name, JSON.stringify({ n: 1 }));
    const good = await db.pgmq.send(name, definition.codec.encode({ n: 2 }));
    const ran: number[] = [];
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: (job: TestJob) => void ran.push(job.n) },
      {
        pool: db.pool,
        pollInterval: 50,
      },
    );
    db.track(worker);
    const { kills, completes } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => kills.length === 1 && completes.length === 1, 10_000, "a kill and a completion");
    expect(ran).toEqual([2]);
    expect(kills[0]).toMatchObject({ msgId: bad, deadLetter: null });
    expect(kills[0]!.reason).toContain("not a wrapped payload");
    expect(completes[0]!.msgId).toBe(good);
    expect(await queueRows(db.pool, name)).toEqual([]);
  });

  it("kills without running a message read more often than maxAttempts", async () => {
    const name = "poison_read_ct";
    await db.pgmq.ensureQueue(name);
    // maxRetries 2 → maxAttempts 3. read_ct 3 before this read → this delivery is attempt 4.
    const crashedTooOften = await insertRawMessage(db.pool, name, JSON.stringify({ n: 1 }), { readCt: 3 });
    // read_ct 2 → this delivery is attempt 3, the last one allowed: it runs.
    const lastChance = await insertRawMessage(db.pool, name, JSON.stringify({ n: 2 }), { readCt: 2 });
    const ran: Array<[number, number]> = [];
    const worker = createQueueWorker(
      { [name]: testQueue(name, { maxRetries: 2, deadLetter: "poison_read_ct_dlq" }) },
      { [name]: (job: TestJob, ctx: { attempt: number }) => void ran.push([job.n, ctx.attempt]) },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { kills, completes } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => kills.length === 1 && completes.length === 1, 10_000, "a kill and a completion");
    expect(ran).toEqual([[2, 3]]);
    expect(kills[0]).toMatchObject({ msgId: crashedTooOften, attempt: 4 });
    expect(kills[0]!.reason).toContain("exceeds maxAttempts 3");
    expect(completes[0]!.msgId).toBe(lastChance);
    const [dead] = await queueRows(db.pool, "poison_read_ct_dlq");
    expect(dead!.headers!["x-pgmq-gen-dead-letter"]).toMatchObject({
      attempts: 4,
      sourceMsgId: crashedTooOften.toString(),
    });
  });
});

describe("delayed messages", () => {
  it("does not run a message before its delay", async () => {
    const name = "delayed";
    const definition = testQueue(name);
    const startedAt: number[] = [];
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: () => void startedAt.push(Date.now()) },
      {
        pool: db.pool,
        pollInterval: 50,
      },
    );
    db.track(worker);
    await worker.start();
    const sentAt = Date.now();
    await db.pgmq.send(name, definition.codec.encode({ n: 1 }), { delay: 1.5 });
    await waitFor(() => startedAt.length === 1, 10_000, "the delayed job");
    expect(startedAt[0]! - sentAt).toBeGreaterThanOrEqual(1400);
    expect(startedAt[0]! - sentAt).toBeLessThan(4000);
  });
});

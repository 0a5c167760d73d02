/**
 * The runtime's admin API for dead letters and single jobs (issue 15 §2):
 * `deadLetters(queue, { deadLetterQueue })`, `findJob`, `cancelJob` and a
 * producer's `cancel`, what `pgmq-gen dlq` and `pgmq-gen job` run. Also a
 * job killed by a real worker, redriven, and run again from attempt 1.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { deadLetters } from "../../packages/runtime/src/deadLetters.js";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { cancelJob, findJob } from "../../packages/runtime/src/jobs.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import type { JobContext } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { deadLetterOne, rowsOf } from "../cli/deadLetterSeed.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { type TestJob, testQueue, waitFor } from "../worker/support/workerTestQueue.js";

const db = useTestDatabase("runtime_dead_letters_admin");

beforeAll(() => {
  configure({ pool: db.pool });
});

async function fill(queue: string, dlq: string, count: number): Promise<void> {
  await db.pgmq.ensureQueue(queue);
  await db.pgmq.ensureQueue(dlq);
  await db.pool.query(
    `INSERT INTO pgmq.q_${dlq} (vt, message, headers)
     SELECT clock_timestamp(), jsonb_build_object('n', g),
            jsonb_build_object('x-pgmq-gen-dead-letter', jsonb_build_object(
              'error', CASE WHEN g % 2 = 0 THEN 'even' ELSE 'odd' END, 'attempts', 2, 'sourceQueue', $2::text, 'sourceMsgId', g::text))
       FROM generate_series(1, $1::int) AS g`,
    [count, queue],
  );
}

describe("issue 15 #2: deadLetters(queue, { deadLetterQueue })", () => {
  it("issue 15 #2: list, count and show see the queue's dead letters only, with every filter", async () => {
    await fill("api_a", "api_shared_dlq", 10);
    await fill("api_b", "api_shared_dlq", 3);
    const a = deadLetters("api_a", { deadLetterQueue: "api_shared_dlq" });
    expect(await a.count()).toBe(10);
    expect(await a.count({ reason: "EVEN" })).toBe(5);
    expect(await a.count({ limit: 4 })).toBe(4);
    const listed = await a.list({ reason: "odd", limit: 2 });
    expect(listed.map((letter) => letter.message)).toEqual([{ n: 1 }, { n: 3 }]);
    expect(listed[0]).toMatchObject({ attempts: 2, reason: "odd", sourceMsgId: 1n });
    expect(await a.list({ ids: [listed[1]!.msgId] })).toHaveLength(1);
    expect(await a.list({ ids: [] })).toEqual([]);
    expect(await a.list({ olderThanSeconds: 3600 })).toEqual([]);
    await db.pool.query("UPDATE pgmq.q_api_shared_dlq SET enqueued_at = now() - interval '30 days'");
    expect(await a.count({ olderThanSeconds: 25 * 86_400 })).toBe(10);
    expect((await a.show(listed[0]!.msgId))?.message).toEqual({ n: 1 });
    const b = deadLetters("api_b", { deadLetterQueue: "api_shared_dlq" });
    expect(await b.show(listed[0]!.msgId)).toBeNull();
    expect(await b.count()).toBe(3);
    await expect(a.list({ olderThanSeconds: -1 })).rejects.toThrow(RangeError);
  });

  it("issue 15 #2: redrive moves in batches (onBatch after each), up to limit; purge deletes; another queue's stay", async () => {
    await fill("api_c", "api_c_dlq", 25);
    await fill("api_d", "api_c_dlq", 2);
    const c = deadLetters("api_c", { deadLetterQueue: "api_c_dlq" });
    const progress: number[] = [];
    expect(await c.redrive({ batchSize: 10, limit: 22, onBatch: (done) => progress.push(done) })).toEqual({
      count: 22,
      batches: 3,
    });
    expect(progress).toEqual([10, 20, 22]);
    const moved = await rowsOf(db.pool, "api_c");
    expect(moved.map((row) => row.message.n)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
    expect(moved.every((row) => row.readCt === 0 && row.visible)).toBe(true);
    expect(await c.purge({ reason: "odd" })).toEqual({ count: 2, batches: 1 });
    expect(await c.purge()).toEqual({ count: 1, batches: 1 });
    expect(await c.count()).toBe(0);
    expect(await deadLetters("api_d", { deadLetterQueue: "api_c_dlq" }).count()).toBe(2);
  });

  it("issue 15 #2: two redrives at once never take the same dead letter (FOR UPDATE SKIP LOCKED): each moved exactly once", async () => {
    await fill("api_e", "api_e_dlq", 3000);
    const e = () => deadLetters("api_e", { deadLetterQueue: "api_e_dlq", db: db.openPool({ max: 1 }) });
    const [first, second] = await Promise.all([e().redrive({ batchSize: 50 }), e().redrive({ batchSize: 50 })]);
    expect(first.count + second.count).toBe(3000);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS total, count(DISTINCT message ->> 'n')::int AS distinct FROM pgmq.q_api_e",
    );
    expect(rows[0]).toEqual({ total: 3000, distinct: 3000 });
  });

  it("issue 15 #2: a missing dead-letter queue (or a missing queue, for redrive) is a QueueMissingError, never created; bad arguments throw", async () => {
    await expect(deadLetters("api_f", { deadLetterQueue: "api_f_dlq" }).list()).rejects.toThrow(QueueMissingError);
    await db.pgmq.ensureQueue("api_g_dlq");
    await expect(deadLetters("api_g", { deadLetterQueue: "api_g_dlq" }).redrive()).rejects.toThrow(QueueMissingError);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pgmq.meta WHERE queue_name IN ('api_f_dlq', 'api_g')",
    );
    expect(rows[0].n).toBe(0);
    expect(() => deadLetters("api_g", { deadLetterQueue: "api_g" })).toThrow(RangeError);
    expect(() => deadLetters("Bad", { deadLetterQueue: "api_g_dlq" })).toThrow(TypeError);
    await expect(deadLetters("api_g", { deadLetterQueue: "api_g_dlq" }).purge({ batchSize: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe("issue 15 #2: findJob, cancelJob and a producer's cancel", () => {
  it("issue 15 #2: findJob finds a job in each state, null when nowhere; cancelJob deletes queued and delayed jobs only, unless inFlight", async () => {
    for (const queue of ["api_job", "api_job_dlq"]) await db.pgmq.ensureQueue(queue);
    const queued = await db.pgmq.send("api_job", { n: 1 });
    const delayed = await db.pgmq.send("api_job", { n: 2 }, { delay: 600 });
    const inFlight = await db.pgmq.send("api_job", { n: 3 });
    // A worker's read of it: invisible for its visibility timeout, read_ct 1.
    await db.pool.query("UPDATE pgmq.q_api_job SET read_ct = 1, vt = now() + interval '10 minutes' WHERE msg_id = $1", [
      inFlight.toString(),
    ]);
    const archived = await db.pgmq.send("api_job", { n: 4 });
    await db.pgmq.archive("api_job", [archived]);
    const dead = await deadLetterOne(db.pgmq, db.pool, "api_job", "api_job_dlq", {
      payload: { n: 5 },
      reason: "boom",
      attempts: 2,
    });
    const options = { deadLetterQueue: "api_job_dlq" };
    expect(await findJob("api_job", queued, options)).toMatchObject({
      state: "queued",
      attempts: 0,
      message: { n: 1 },
    });
    expect(await findJob("api_job", delayed, options)).toMatchObject({ state: "delayed", attempts: 0 });
    expect(await findJob("api_job", inFlight, options)).toMatchObject({ state: "in_flight", attempts: 1 });
    expect(await findJob("api_job", archived, options)).toMatchObject({
      state: "archived",
      archivedAt: expect.any(Date),
    });
    expect(await findJob("api_job", dead.sourceId, options)).toMatchObject({
      state: "dead_lettered",
      attempts: 2,
      reason: "boom",
      location: { queue: "api_job_dlq", msgId: dead.id },
    });
    expect(await findJob("api_job", dead.sourceId)).toBeNull();
    expect(await findJob("api_job", 999_999n, options)).toBeNull();

    expect(await cancelJob("api_job", queued)).toEqual({ cancelled: true, state: "queued" });
    expect(await cancelJob("api_job", delayed)).toEqual({ cancelled: true, state: "delayed" });
    expect(await cancelJob("api_job", inFlight)).toEqual({ cancelled: false, state: "in_flight" });
    expect(await cancelJob("api_job", archived)).toEqual({ cancelled: false, state: "archived" });
    expect(await cancelJob("api_job", dead.sourceId, options)).toEqual({ cancelled: false, state: "dead_lettered" });
    expect(await cancelJob("api_job", 999_999n)).toEqual({ cancelled: false, state: "not_found" });
    expect(await cancelJob("api_job", inFlight, { inFlight: true })).toEqual({ cancelled: true, state: "in_flight" });
    await expect(findJob("api_nosuch", 1n)).rejects.toThrow(QueueMissingError);
  });

  it("issue 15 #2: a producer's cancel (every generated producer has it) deletes a job it pushed, and reports one in flight", async () => {
    const definition = testQueue("api_producer", { deadLetter: "api_producer_dlq" });
    const producer = createProducer(definition);
    const [first, second] = await producer.pushBatch([{ n: 1 }, { n: 2 }]);
    expect(await producer.cancel(first!)).toEqual({ cancelled: true, state: "queued" });
    await db.pgmq.read("api_producer", 600, 1);
    expect(await producer.cancel(second!)).toEqual({ cancelled: false, state: "in_flight" });
    expect(await producer.cancel(first!)).toEqual({ cancelled: false, state: "not_found" });
  });

  it("issue 15 #2: a job a real worker killed, redriven, runs again from attempt 1 with its original headers", async () => {
    const definition = testQueue("api_e2e", {
      deadLetter: "api_e2e_dlq",
      maxRetries: 1,
      backoff: { kind: "fixed", delay: 0 },
    });
    const producer = createProducer(definition);
    const id = await producer.push({ n: 7 }, { headers: { trace: "abc" } });
    let failing = true;
    const attempts: number[] = [];
    const seen: unknown[] = [];
    const worker = db.track(
      createQueueWorker(
        { api_e2e: definition },
        {
          api_e2e: (_job: TestJob, ctx: JobContext) => {
            attempts.push(ctx.attempt);
            seen.push(ctx.headers);
            if (failing) throw new Error("SMTP down");
          },
        },
        { pool: db.pool, pollInterval: 50 },
      ),
    );
    await worker.start();
    const letters = deadLetters("api_e2e", { deadLetterQueue: "api_e2e_dlq" });
    await waitFor(async () => (await letters.count()) === 1, 10_000, "the job dead-lettered");
    expect(await findJob("api_e2e", id, { deadLetterQueue: "api_e2e_dlq" })).toMatchObject({
      state: "dead_lettered",
      attempts: 2,
      reason: expect.stringContaining("SMTP down"),
    });
    failing = false;
    expect(await letters.redrive()).toEqual({ count: 1, batches: 1 });
    await waitFor(() => attempts.length === 3, 10_000, "the redriven job run");
    expect(attempts).toEqual([1, 2, 1]);
    expect(seen[2]).toMatchObject({ trace: "abc", "x-pgmq-gen-version": 1, "x-pgmq-gen-redriven": [{ attempts: 2 }] });
    expect(seen[2]).not.toHaveProperty("x-pgmq-gen-dead-letter");
  });
});

describe("issue 15 #6: message ids past PostgreSQL's bigint", () => {
  it("issue 15 #6: findJob, cancelJob and a dead letter's show reject an id past 2^63 - 1 with a TypeError naming msgId, before any query", async () => {
    const options = { deadLetterQueue: "api_job_dlq", db: db.pool };
    await expect(findJob("api_job", 2n ** 63n, options)).rejects.toThrow(
      /msgId: expected a bigint from 1 to 2\^63 - 1/,
    );
    await expect(cancelJob("api_job", 2n ** 64n, options)).rejects.toThrow(TypeError);
    const letters = deadLetters("api_job", { deadLetterQueue: "api_job_dlq", db: db.pool });
    await expect(letters.show(2n ** 64n)).rejects.toThrow(/msgId: expected a bigint from 1 to 2\^63 - 1/);
  });
});

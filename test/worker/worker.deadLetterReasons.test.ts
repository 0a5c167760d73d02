/**
 * What a killed job's reason is made of: any thrown value gives one (round
 * two #6), and a reason PostgreSQL cannot store (a NUL, a lone surrogate) is
 * made storable, so one job's reason never poisons the dead-letter batch of
 * its neighbours (round two #4). A row the database still refuses is split
 * off its batch: the others are written, and the refused one stays in its
 * queue, reported, never lost.
 */
import { describe, expect, it } from "vitest";
import { UnrecoverableError } from "../../packages/runtime/src/errors.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows, testQueue, type TestJob, waitFor, collectWorkerEvents } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_dead_letter_reasons");

function deadLetterReason(headers: Record<string, unknown> | null): string {
  return (headers?.["x-pgmq-gen-dead-letter"] as { error: string } | undefined)?.error ?? "<no dead-letter header>";
}

describe("round two #4: a reason the database cannot store as it is", () => {
  it('round two #4: 20 jobs throwing UnrecoverableError("a\\u0000b") run once each and are dead-lettered with a readable reason', async () => {
    const name = "nul_reason";
    const dlq = "nul_reason_dlq";
    const definition = testQueue(name, { deadLetter: dlq, maxRetries: 2, visibilityTimeout: 2 });
    await db.pgmq.ensureQueue(name);
    await db.pgmq.ensureQueue(dlq);
    await db.pgmq.sendBatch(
      name,
      Array.from({ length: 20 }, (_, n) => definition.codec.encode({ n })),
    );
    let runs = 0;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: () => {
          runs += 1;
          throw new UnrecoverableError("a\u0000b");
        },
      },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { kills } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(async () => (await queueRows(db.pool, dlq)).length >= 20, 10_000, "20 dead letters");
    // Long enough for a redelivery (visibility timeout 2 s) to show up if an ack had been lost.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(runs).toBe(20);
    expect(kills).toHaveLength(20);
    const dead = await queueRows(db.pool, dlq);
    expect(dead).toHaveLength(20);
    for (const row of dead) {
      const reason = deadLetterReason(row.headers);
      expect(reason).toMatch(/^a.+b$/);
      expect(reason).not.toContain("\u0000");
    }
    expect(kills[0]!.reason).toBe(deadLetterReason(dead[0]!.headers));
    expect(await queueRows(db.pool, name)).toEqual([]);
  });

  it("round two #4: lone surrogates become U+FFFD and a huge reason is cut to 8 KiB with a marker", async () => {
    const name = "odd_reason";
    const dlq = "odd_reason_dlq";
    const definition = testQueue(name, { deadLetter: dlq });
    await db.pgmq.ensureQueue(name);
    await db.pgmq.ensureQueue(dlq);
    await db.pgmq.sendBatch(name, [definition.codec.encode({ n: 0 }), definition.codec.encode({ n: 1 })]);
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: (job: TestJob) => {
          throw new UnrecoverableError(job.n === 0 ? "x\ud800y\udc00z" : "e".repeat(100_000));
        },
      },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { kills } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => kills.length === 2, 10_000, "2 kills");
    await waitFor(async () => (await queueRows(db.pool, dlq)).length === 2, 10_000, "2 dead letters");
    const reasons = (await queueRows(db.pool, dlq)).map((row) => deadLetterReason(row.headers));
    expect(reasons[0]).toBe("x\ufffdy\ufffdz");
    expect(reasons[1]!.length).toBeLessThanOrEqual(8192);
    expect(reasons[1]).toMatch(/^e+… \[reason cut at 8 KiB: \d+ more characters\]$/);
  });

  it("round two #4: a row the database refuses is split off its batch; its neighbours are dead-lettered, it stays queued and is reported", async () => {
    const name = "refused_row";
    const dlq = "refused_row_dlq";
    const definition = testQueue(name, { deadLetter: dlq, visibilityTimeout: 30 });
    await db.pgmq.ensureQueue(name);
    await db.pgmq.ensureQueue(dlq);
    // A user's trigger on the dead-letter queue that refuses one message: a data error no sanitising can avoid.
    await db.pool.query(`
      CREATE FUNCTION public.refuse_13() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW.message->>'n') = '13' THEN RAISE EXCEPTION 'job 13 is refused' USING ERRCODE = '22023'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_13 BEFORE INSERT ON pgmq.q_${dlq} FOR EACH ROW EXECUTE FUNCTION public.refuse_13();
    `);
    const ids = await db.pgmq.sendBatch(
      name,
      Array.from({ length: 20 }, (_, n) => definition.codec.encode({ n })),
    );
    let runs = 0;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: () => {
          runs += 1;
          throw new UnrecoverableError("no");
        },
      },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { kills, errors } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => kills.length === 19 && errors.length >= 1, 10_000, "19 kills and a reported refusal");
    expect(runs).toBe(20);
    const dead = await queueRows(db.pool, dlq);
    expect(dead.map((row) => (row.message as TestJob).n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, n) => n).filter((n) => n !== 13),
    );
    expect(kills.map((kill) => kill.msgId)).not.toContain(ids[13]);
    // Not lost: still in its queue, hidden until its visibility timeout passes.
    expect((await queueRows(db.pool, name)).map((row) => row.msgId)).toEqual([ids[13]]);
    expect(errors.map(String).join("\n")).toContain("job 13 is refused");
  });
});

describe("round two #6: any thrown value gives a reason", () => {
  const throwers: Array<[string, () => unknown, RegExp]> = [
    ["Object.create(null)", () => Object.create(null), /^\{\}$|\[object/],
    [
      "an object whose toString throws",
      () => ({
        toString() {
          throw new Error("nope");
        },
        code: 7,
      }),
      /"code":7/,
    ],
    ["a Symbol", () => Symbol("boom"), /Symbol\(boom\)/],
    [
      "an Error whose message getter throws",
      () => {
        const error = new Error("hidden");
        Object.defineProperty(error, "message", {
          get() {
            throw new Error("no message for you");
          },
        });
        return error;
      },
      /Error/,
    ],
    [
      "a Proxy that throws on every trap",
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error("trap");
            },
            getPrototypeOf() {
              throw new Error("trap");
            },
            ownKeys() {
              throw new Error("trap");
            },
            has() {
              throw new Error("trap");
            },
            getOwnPropertyDescriptor() {
              throw new Error("trap");
            },
          },
        ),
      /.+/,
    ],
  ];

  it.each(throwers)(
    "round two #6: %s thrown on the last attempt is dead-lettered with a reason",
    async (label, make, expected) => {
      const name = `thrown_${label
        .replace(/[^a-z]+/gi, "_")
        .toLowerCase()
        .slice(0, 20)}`;
      const dlq = `${name}_dlq`;
      const definition = testQueue(name, { deadLetter: dlq, maxRetries: 0 });
      await db.pgmq.ensureQueue(name);
      await db.pgmq.ensureQueue(dlq);
      const id = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
      const worker = createQueueWorker(
        { [name]: definition },
        {
          [name]: () => {
            throw make();
          },
        },
        { pool: db.pool, pollInterval: 50 },
      );
      db.track(worker);
      const { kills } = collectWorkerEvents(worker);
      await worker.start();
      await waitFor(() => kills.length === 1, 10_000, "the kill");
      const dead = await waitFor(async () => {
        const rows = await queueRows(db.pool, dlq);
        return rows.length === 1 ? rows : undefined;
      });
      const reason = deadLetterReason(dead[0]!.headers);
      expect(reason).toMatch(/^failed on its last attempt \(1 of 1\): /);
      expect(reason.slice("failed on its last attempt (1 of 1): ".length)).toMatch(expected);
      expect(kills[0]!.msgId).toBe(id);
      expect(kills[0]!.reason).toBe(reason);
      await worker.stop();
    },
  );
});

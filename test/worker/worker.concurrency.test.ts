/**
 * Concurrency: never more handlers at once than `concurrency` (per process
 * and per queue), and all of them busy when there is enough work.
 */
import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_concurrency");

/** Counts handlers running at once. */
function gauge() {
  let current = 0;
  const state = { max: 0, done: 0 };
  const run = async (job: TestJob) => {
    current += 1;
    state.max = Math.max(state.max, current);
    await sleep(job.sleepMs ?? 0);
    current -= 1;
    state.done += 1;
  };
  return { state, run };
}

describe("concurrency", () => {
  it("runs at most `concurrency` handlers at once, and reaches it", async () => {
    const name = "concurrency_limit";
    const definition = testQueue(name);
    await db.pgmq.ensureQueue(name);
    await db.pgmq.sendBatch(
      name,
      Array.from({ length: 15 }, (_, n) => definition.codec.encode({ n, sleepMs: 100 })),
    );
    const { state, run } = gauge();
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: run },
      {
        pool: db.pool,
        concurrency: 3,
        batchSize: 10,
        pollInterval: 50,
      },
    );
    db.track(worker);
    await worker.start();
    await waitFor(() => state.done === 15, 15_000, "15 jobs");
    expect(state.max).toBe(3);
    await waitFor(async () => (await archivedIds(db.pool, name)).length === 15, 5_000, "15 archived");
  });

  it("honours a per-queue concurrency under the worker's", async () => {
    const definitions = { conc_slow: testQueue("conc_slow"), conc_fast: testQueue("conc_fast") };
    for (const definition of Object.values(definitions)) {
      await db.pgmq.ensureQueue(definition.name);
      await db.pgmq.sendBatch(
        definition.name,
        Array.from({ length: 8 }, (_, n) => definition.codec.encode({ n, sleepMs: 80 })),
      );
    }
    const slow = gauge();
    const fast = gauge();
    let total = 0;
    let maxTotal = 0;
    const counted = (inner: (job: TestJob) => Promise<void>) => async (job: TestJob) => {
      total += 1;
      maxTotal = Math.max(maxTotal, total);
      try {
        await inner(job);
      } finally {
        total -= 1;
      }
    };
    const worker = createQueueWorker(
      definitions,
      { conc_slow: counted(slow.run), conc_fast: counted(fast.run) },
      { pool: db.pool, concurrency: 4, pollInterval: 50, queues: { conc_slow: { concurrency: 1 } } },
    );
    db.track(worker);
    await worker.start();
    await waitFor(() => slow.state.done === 8 && fast.state.done === 8, 15_000, "both queues drained");
    expect(slow.state.max).toBe(1);
    expect(fast.state.max).toBeLessThanOrEqual(4);
    expect(maxTotal).toBeLessThanOrEqual(4);
    expect(maxTotal).toBeGreaterThanOrEqual(3);
  });

  it("rejects invalid options and handlers at creation", () => {
    const definition = testQueue("conc_invalid");
    expect(() => createQueueWorker({ conc_invalid: definition }, {}, { pool: db.pool })).toThrow(
      /no handlers given.*conc_invalid/,
    );
    expect(() =>
      createQueueWorker({ conc_invalid: definition }, { conc_invalid: () => {}, other: () => {} }, { pool: db.pool }),
    ).toThrow(/queue "other"/);
    expect(() =>
      createQueueWorker({ conc_invalid: definition }, { conc_invalid: () => {} }, { pool: db.pool, concurrency: 0 }),
    ).toThrow(/concurrency must be a positive integer/);
    expect(() => createQueueWorker({ conc_invalid: definition }, { conc_invalid: {} }, { pool: db.pool })).toThrow(
      /handler of queue "conc_invalid" must be a function or an object with a handle/,
    );
  });

  it("runs only the queues it has handlers for", async () => {
    const definitions = { conc_handled: testQueue("conc_handled"), conc_other: testQueue("conc_other") };
    await db.pgmq.ensureQueue("conc_other");
    const otherId = await db.pgmq.send("conc_other", definitions.conc_other.codec.encode({ n: 1 }));
    const ran: string[] = [];
    const worker = createQueueWorker(
      definitions,
      { conc_handled: () => void ran.push("handled") },
      {
        pool: db.pool,
        pollInterval: 50,
      },
    );
    db.track(worker);
    await worker.start();
    await db.pgmq.send("conc_handled", definitions.conc_handled.codec.encode({ n: 2 }));
    await waitFor(() => ran.length === 1, 5_000, "the handled queue's job");
    await sleep(300);
    expect(ran).toEqual(["handled"]);
    const { rows } = await db.pool.query("SELECT msg_id::text AS id, read_ct FROM pgmq.q_conc_other");
    expect(rows).toEqual([{ id: otherId.toString(), read_ct: 0 }]);
  });
});

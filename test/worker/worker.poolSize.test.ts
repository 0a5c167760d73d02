/**
 * Transactional handlers hold a pool connection for their whole job: the
 * worker must size the runtime's own pool for them (a handler that pushes a
 * follow-up job needs one more connection), and refuse a user pool too small
 * for its transactional concurrency instead of deadlocking.
 */
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closePool, configure, getPool } from "../../packages/runtime/src/connection.js";
import { settlesWithin } from "../../packages/runtime/src/longTimeout.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import type { JobContext, TransactionalJobContext, Worker } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_pool_size");

afterAll(async () => {
  // A deadlocked run leaves handlers holding connections: never wait on them forever.
  await settlesWithin(closePool(), 5000);
});

/**
 * 50 jobs of a transactional queue whose handler pushes a follow-up job to a
 * second queue (run by the same worker), on the runtime's own pool with
 * default settings (concurrency 10). Resolves to how many follow-ups ran
 * within `boundMs`.
 */
async function runFollowUps(prefix: string, throughClient: boolean, boundMs: number): Promise<number> {
  const parentName = `${prefix}_parent`;
  const childName = `${prefix}_child`;
  const parent = testQueue(parentName, { transactional: true });
  const child = testQueue(childName);
  const children = createProducer(child);
  let childrenRun = 0;
  const worker: Worker = createQueueWorker(
    { [parentName]: parent, [childName]: child },
    {
      [parentName]: async (job: TestJob, ctx: JobContext) => {
        const { client } = ctx as TransactionalJobContext;
        // Hold the transaction a little, so all ten slots are busy at once.
        await client.query("SELECT pg_sleep(0.05)");
        await children.push({ n: job.n }, throughClient ? { client } : {});
      },
      [childName]: () => {
        childrenRun += 1;
      },
    },
    { shutdownTimeout: 1000 },
  );
  // Start creates both queues on the shared pool, so the pushes need no DDL.
  await worker.start();
  try {
    await db.pgmq.sendBatch(
      parentName,
      Array.from({ length: 50 }, (_, n) => parent.codec.encode({ n })),
    );
    await waitFor(() => childrenRun === 50 || undefined, boundMs, `50 follow-up jobs (${childrenRun} ran)`).catch(
      () => {},
    );
    return childrenRun;
  } finally {
    await settlesWithin(worker.stop(), 5000);
  }
}

describe("pool size and transactional handlers", () => {
  it("round two #10: a transactional handler pushing a follow-up without { client } does not deadlock the default pool", async () => {
    configure({ connectionString: db.url });
    expect(await runFollowUps("follow_pool", false, 20_000)).toBe(50);
  });

  it("round two #10: a transactional handler pushing a follow-up with { client: ctx.client } does not deadlock either", async () => {
    configure({ connectionString: db.url });
    expect(await runFollowUps("follow_client", true, 20_000)).toBe(50);
  });

  it("round two #10: the runtime's own pool grows by the transactional slots of a running worker", async () => {
    configure({ connectionString: db.url });
    const pool = getPool();
    const name = "grow_tx";
    const worker = createQueueWorker(
      { [name]: testQueue(name, { transactional: true }) },
      { [name]: () => {} },
      {
        concurrency: 7,
      },
    );
    const base = pool.options.max;
    await worker.start();
    expect(pool.options.max).toBe(base + 7);
    await worker.stop();
    expect(pool.options.max).toBe(base);
  });

  it("round two #10: start() refuses a given pool too small for its transactional concurrency, saying what to change", async () => {
    const small = new pg.Pool({ connectionString: db.url, max: 5 });
    try {
      const name = "small_pool_tx";
      const worker = createQueueWorker(
        { [name]: testQueue(name, { transactional: true }) },
        { [name]: () => {} },
        {
          pool: small,
          concurrency: 10,
        },
      );
      await expect(worker.start()).rejects.toThrow(
        /pool max of 5 is too small.*10 transactional.*at least 12.*Raise the pool's max to 12 or lower concurrency to 3/,
      );
      // A non-transactional worker is fine on it.
      const plain = "small_pool_plain";
      const ok = createQueueWorker(
        { [plain]: testQueue(plain) },
        { [plain]: () => {} },
        { pool: small, concurrency: 10 },
      );
      await ok.start();
      await ok.stop();
    } finally {
      await small.end();
    }
  });

  it("round two (hostile) #1: workers sharing a given pool are counted together: the second start() is refused", async () => {
    const shared = new pg.Pool({ connectionString: db.url, max: 12 });
    const started: Worker[] = [];
    try {
      const name = "shared_pool_tx";
      const create = () =>
        createQueueWorker(
          { [name]: testQueue(name, { transactional: true }) },
          { [name]: () => {} },
          {
            pool: shared,
            concurrency: 10,
          },
        );
      const first = create();
      await first.start();
      started.push(first);
      const second = create();
      await expect(second.start()).rejects.toThrow(
        /pool max of 12 is too small: up to 20 transactional jobs run at once \(10 of this worker, 10 of other running workers on this pool\).*at least 22.*Raise the pool's max to 22.*a pool of its own/,
      );
      // Once the first stops, its connections are no longer counted; of two started together, one is refused.
      await first.stop();
      started.length = 0;
      const pair = [create(), create()];
      const outcomes = await Promise.allSettled(pair.map((worker) => worker.start()));
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
      started.push(...pair);
    } finally {
      await Promise.all(started.map((worker) => worker.stop()));
      await shared.end();
    }
  });
});

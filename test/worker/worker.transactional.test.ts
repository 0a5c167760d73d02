/**
 * `transactional: true`: the handler's writes and the ack commit in one
 * transaction, or neither does.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { JobContext, TransactionalJobContext, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, queueRows, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

// concurrency 8: transactional jobs hold a connection each, and the test pool has max 10 (a worker needs 2 more).
const db = useTestDatabase("worker_transactional");

beforeAll(async () => {
  await db.pool.query("CREATE TABLE effects (n int NOT NULL, attempt int NOT NULL)");
});

describe("a transactional handler", () => {
  it("rolls back its writes when it throws (message retried), and commits them with the archive when it returns", async () => {
    const name = "tx_queue";
    const definition = testQueue(name, { transactional: true, maxRetries: 3, backoff: { kind: "fixed", delay: 0.1 } });
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (job: TestJob, ctx: JobContext) => {
          const { client } = ctx as TransactionalJobContext;
          await client.query("INSERT INTO effects (n, attempt) VALUES ($1, $2)", [job.n, ctx.attempt]);
          if (ctx.attempt === 1) throw new Error("fail after writing");
        },
      },
      { pool: db.pool, pollInterval: 50, concurrency: 8 },
    );
    db.track(worker);
    const fails: WorkerEvents["job:fail"][0][] = [];
    const completes: WorkerEvents["job:complete"][0][] = [];
    worker.on("job:fail", (event) => fails.push(event));
    worker.on("job:complete", (event) => completes.push(event));
    await worker.start();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 42 }));
    await waitFor(() => completes.length === 1, 10_000, "completion");

    expect(fails.map((event) => [event.attempt, (event.error as Error).message])).toEqual([[1, "fail after writing"]]);
    // Attempt 1's insert was rolled back; attempt 2's committed.
    const { rows } = await db.pool.query("SELECT n, attempt, xmin::text AS xid FROM effects");
    expect(rows.map((row) => [row.n, row.attempt])).toEqual([[42, 2]]);
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
    expect(await queueRows(db.pool, name)).toEqual([]);
    // The write and the archive were made by the same transaction.
    const archived = await db.pool.query(`SELECT xmin::text AS xid, read_ct FROM pgmq.a_${name}`);
    expect(archived.rows[0].xid).toBe(rows[0].xid);
    expect(archived.rows[0].read_ct).toBe(2);
    // The next test's transactional worker could not share this pool of 10 with this one (8 + 8 + 2 > 10).
    await worker.stop();
  });

  it("deletes instead of archiving inside the transaction with onSuccess: delete", async () => {
    const name = "tx_delete";
    const definition = testQueue(name, { transactional: true, onSuccess: "delete" });
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (job: TestJob, ctx: JobContext) => {
          await (ctx as TransactionalJobContext).client.query("INSERT INTO effects (n, attempt) VALUES ($1, $2)", [
            job.n,
            ctx.attempt,
          ]);
        },
      },
      { pool: db.pool, pollInterval: 50, concurrency: 8 },
    );
    db.track(worker);
    const completes: bigint[] = [];
    worker.on("job:complete", (event) => completes.push(event.msgId));
    await worker.start();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 7 }));
    await waitFor(() => completes.length === 1, 10_000, "completion");
    expect(completes).toEqual([msgId]);
    expect(await queueRows(db.pool, name)).toEqual([]);
    expect(await archivedIds(db.pool, name)).toEqual([]);
    const { rows } = await db.pool.query("SELECT n FROM effects WHERE n = 7");
    expect(rows).toHaveLength(1);
  });

  it("leaves no client checked out of the pool", async () => {
    await waitFor(() => db.pool.totalCount === db.pool.idleCount || undefined, 5_000, "all pool clients idle");
    expect(db.pool.waitingCount).toBe(0);
  });
});

/**
 * A transactional job whose database connection dies mid-transaction: the
 * lost connection is not the handler's failure, so the attempt is given back
 * (round two #20) and the job runs again, even with `maxRetries: 0` and no
 * dead-letter queue.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { JobContext, TransactionalJobContext, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, queueRows, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_tx_connection_loss");

beforeAll(async () => {
  await db.pool.query("CREATE TABLE effects (n int NOT NULL, attempt int NOT NULL)");
});

describe("round two #20: a transactional job whose connection is killed", () => {
  it("round two #20: maxRetries 0, no dead-letter queue, backend terminated mid-transaction: the job runs again and completes", async () => {
    const name = "tx_killed_backend";
    const definition = testQueue(name, { transactional: true, maxRetries: 0, visibilityTimeout: 30 });
    await db.pgmq.ensureQueue(name);
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 7 }));
    const attempts: number[] = [];
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (job: TestJob, ctx: JobContext) => {
          const { client } = ctx as TransactionalJobContext;
          attempts.push(ctx.attempt);
          await client.query("INSERT INTO effects (n, attempt) VALUES ($1, $2)", [job.n, ctx.attempt]);
          if (attempts.length === 1) {
            const { rows } = await client.query("SELECT pg_backend_pid() AS pid");
            await db.pool.query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
            await client.query("SELECT 1");
          }
        },
      },
      // The test pool has max 10: a transactional worker needs its concurrency + 2.
      { pool: db.pool, pollInterval: 50, concurrency: 4 },
    );
    db.track(worker);
    const kills: WorkerEvents["job:kill"][0][] = [];
    const completes: WorkerEvents["job:complete"][0][] = [];
    worker.on("job:kill", (event) => kills.push(event));
    worker.on("job:complete", (event) => completes.push(event));
    worker.on("error", () => {});
    await worker.start();
    await waitFor(() => completes.length === 1 || kills.length > 0, 10_000, "the job to end");

    expect(kills).toEqual([]);
    expect(attempts).toEqual([1, 1]);
    expect(completes.map((event) => event.msgId)).toEqual([msgId]);
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
    expect(await queueRows(db.pool, name)).toEqual([]);
    // The first attempt's write died with its transaction; the second's committed with the archive.
    const { rows } = await db.pool.query("SELECT n, attempt FROM effects");
    expect(rows).toEqual([{ n: 7, attempt: 1 }]);
  });
});

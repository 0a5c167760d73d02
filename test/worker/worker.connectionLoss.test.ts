/**
 * Backends killed under a running worker: reads and acks fail, are reported
 * on 'error' and retried; the process does not crash and every job ends up
 * done.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { adminUrl } from "../helpers/database.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_connection_loss");
let workerPool: pg.Pool;

beforeAll(async () => {
  // The worker's own pool, with no 'error' listener of ours: the worker must handle it.
  workerPool = db.openPool({ max: 6 });
});

/** Terminates every backend of the test database from an admin connection. */
async function killBackends(): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) AS killed",
      [db.name],
    );
    return rows[0].n as number;
  } finally {
    await admin.end();
  }
}

describe("a lost database connection", () => {
  it("is reported and retried, and every job still ends up done", async () => {
    const name = "connection_loss";
    const definition = testQueue(name, {
      visibilityTimeout: 3,
      backoff: { kind: "fixed", delay: 0.1 },
      maxRetries: 10,
    });
    await db.pgmq.ensureQueue(name);
    const ids = await db.pgmq.sendBatch(
      name,
      Array.from({ length: 40 }, (_, n) => definition.codec.encode({ n, sleepMs: 60 })),
    );
    const done = new Set<number>();
    const errors: unknown[] = [];
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (job: TestJob) => {
          await sleep(job.sleepMs ?? 0);
          done.add(job.n);
        },
      },
      { pool: workerPool, concurrency: 4, pollInterval: 100 },
    );
    db.track(worker);
    worker.on("error", (error) => errors.push(error));
    await worker.start();
    await waitFor(() => done.size >= 5, 10_000, "some jobs done");
    expect(await killBackends()).toBeGreaterThan(0);
    await sleep(300);
    await killBackends();
    await waitFor(async () => (await archivedIds(db.pool, name)).length === 40, 30_000, "all 40 jobs archived");
    expect(errors.length).toBeGreaterThan(0);
    expect(done.size).toBe(40);
    expect((await archivedIds(db.pool, name)).sort()).toEqual([...ids].sort());
    // The worker keeps working after the storm.
    const lateId = await db.pgmq.send(name, definition.codec.encode({ n: 1000 }));
    await waitFor(async () => (await archivedIds(db.pool, name)).includes(lateId), 10_000, "a job pushed afterwards");
  });
});

/**
 * A job that runs longer than its visibility timeout keeps its message
 * hidden (the heartbeat extends it), so no second worker gets it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { PgmqClient } from "../../src/runtime/pgmq.js";
import type { JobContext, Worker } from "../../src/runtime/types.js";
import { createQueueWorker } from "../../src/runtime/worker.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { archivedIds, queueRows, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

let db: TestDatabase;
let pgmq: PgmqClient;
const workers: Worker[] = [];

beforeAll(async () => {
  db = await createTestDatabase("worker_heartbeat");
  pgmq = new PgmqClient(db.pool);
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await db?.drop();
});

describe("the visibility heartbeat", () => {
  it("keeps a 5 s job with a 2 s visibility timeout away from a second worker", async () => {
    const name = "long_job";
    const definition = testQueue(name, { visibilityTimeout: 2 });
    const runs: Array<{ worker: string; attempt: number }> = [];
    const handlerFor = (worker: string) => async (job: TestJob, ctx: JobContext) => {
      runs.push({ worker, attempt: ctx.attempt });
      await sleep(job.sleepMs ?? 0);
    };
    const first = createQueueWorker({ [name]: definition }, { [name]: handlerFor("first") }, {
      pool: db.pool,
      pollInterval: 100,
    });
    workers.push(first);
    await first.start();
    const msgId = await pgmq.send(name, definition.codec.encode({ n: 1, sleepMs: 5000 }));
    await waitFor(() => runs.length === 1, 5_000, "the first worker to start the job");

    const second = createQueueWorker({ [name]: definition }, { [name]: handlerFor("second") }, {
      pool: db.pool,
      pollInterval: 100,
    });
    workers.push(second);
    await second.start();

    // While the job runs, its message is never visible.
    const completed = new Promise<void>((resolve) => first.on("job:complete", () => resolve()));
    let done = false;
    void completed.then(() => (done = true));
    let checks = 0;
    while (!done) {
      const [row] = await queueRows(db.pool, name);
      if (row === undefined) break;
      expect(row.visibleIn).toBeGreaterThan(0);
      checks += 1;
      await sleep(200);
    }
    await completed;
    expect(checks).toBeGreaterThan(15);
    expect(runs).toEqual([{ worker: "first", attempt: 1 }]);
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
    const { rows } = await db.pool.query(`SELECT read_ct FROM pgmq.a_${name}`);
    expect(rows[0].read_ct).toBe(1);
  });
});

/**
 * graphile-worker with the settings of its own performance page: a local
 * queue of 500 jobs fetched per statement, and completions batched
 * (`completeJobBatchDelay` / `failJobBatchDelay` 0: batch what finishes in
 * the same tick). `refetchDelay` stays off: it lowers database load when idle
 * at the cost of latency.
 */
import { Logger, makeWorkerUtils, run, type WorkerUtils } from "graphile-worker";
import pg from "pg";
import type { BenchJob, SystemAdapter, SystemSession, WorkerSpec } from "../system.js";
import { installedVersion } from "../versions.js";

const task = "bench";
const localQueueSize = 500;
const poolSize = 10;

const silentLogger = new Logger(() => () => {});

export const graphileWorkerAdapter: SystemAdapter = {
  id: "graphile-worker",
  version: `graphile-worker ${installedVersion("graphile-worker")}`,
  settings: {
    "localQueue.size": localQueueSize,
    "localQueue.refetchDelay": "off",
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
    maxPoolSize: poolSize,
    preparedStatements: true,
  },
  workloads: ["enqueue-single", "enqueue-batch", "drain", "latency", "mixed"],
  async open(databaseUrl: string): Promise<SystemSession> {
    // Our own pool (graphile-worker takes `pgPool`), so a connection the harness's DROP DATABASE
    // ends is an error we handle, not a crash. Producer and worker share it, as an app would.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
    pool.on("error", () => {});
    const utils: WorkerUtils = await makeWorkerUtils({ pgPool: pool, logger: silentLogger });
    await utils.migrate();
    return {
      async push(job: BenchJob) {
        await utils.addJob(task, job);
      },
      async pushBatch(jobs: readonly BenchJob[]) {
        await utils.addJobs(jobs.map((payload) => ({ identifier: task, payload })));
      },
      async startWorker(spec: WorkerSpec) {
        const runner = await run({
          pgPool: pool,
          concurrency: spec.concurrency,
          noHandleSignals: true,
          logger: silentLogger,
          taskList: {
            [task]: async (payload) => {
              spec.handle(payload as BenchJob);
            },
          },
          preset: {
            worker: {
              maxPoolSize: poolSize,
              localQueue: { size: localQueueSize },
              completeJobBatchDelay: 0,
              failJobBatchDelay: 0,
            },
          },
        });
        return {
          stop: async () => {
            await runner.stop();
          },
        };
      },
      close: async () => {
        await utils.release();
        await pool.end();
      },
    };
  },
};

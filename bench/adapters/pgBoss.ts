/**
 * pg-boss 12 with its fastest documented worker settings: batched fetch
 * (`batchSize` 10) that keeps fetching while batches come back full
 * (`burstWhenBatchFull`), and LISTEN/NOTIFY wake-ups (`useListenNotify` plus
 * the queue's `notify`) instead of its 2 s default poll.
 */
import { PgBoss } from "pg-boss";
import type { BenchJob, SystemAdapter, SystemSession, WorkerSpec } from "../system.js";
import { installedVersion } from "../versions.js";

const queue = "bench";
const batchSize = 10;
const poolSize = 10;

/**
 * pg-boss's concurrency unit is a polling worker (`localConcurrency`) that
 * fetches a batch and hands it to the handler. One per concurrency slot is
 * its fastest setting here: on this machine 16 workers drained ~1.5× faster
 * than the 2 that would keep only ~16 jobs in flight, so pg-boss may hold up
 * to `concurrency × batchSize` jobs at once, more than the others.
 */
function pollingWorkers(concurrency: number): number {
  return concurrency;
}

export const pgBossAdapter: SystemAdapter = {
  id: "pg-boss",
  version: `pg-boss ${installedVersion("pg-boss")}`,
  settings: {
    batchSize,
    burstWhenBatchFull: true,
    localConcurrency: "= concurrency (16 drain/latency, 100 mixed)",
    useListenNotify: true,
    "queue.notify": true,
    pollingIntervalSeconds: 0.5,
    max: poolSize,
    "supervise/schedule": false,
  },
  workloads: ["enqueue-single", "enqueue-batch", "drain", "latency", "mixed"],
  async open(databaseUrl: string): Promise<SystemSession> {
    const boss = new PgBoss({
      connectionString: databaseUrl,
      max: poolSize,
      // Maintenance and cron are background work a bench run does not need.
      supervise: false,
      schedule: false,
      useListenNotify: true,
    });
    boss.on("error", (error) => console.error("pg-boss error:", error));
    await boss.start();
    await boss.createQueue(queue, { notify: true });
    return {
      async push(job: BenchJob) {
        await boss.send(queue, job);
      },
      async pushBatch(jobs: readonly BenchJob[]) {
        await boss.insert(
          queue,
          jobs.map((data) => ({ data })),
        );
      },
      async startWorker(spec: WorkerSpec) {
        const workerId = await boss.work<BenchJob>(
          queue,
          {
            batchSize,
            burstWhenBatchFull: true,
            localConcurrency: pollingWorkers(spec.concurrency),
            pollingIntervalSeconds: 0.5,
          },
          async (jobs) => {
            for (const job of jobs) spec.handle(job.data);
          },
        );
        return {
          stop: () => boss.offWork(queue, { id: workerId, wait: true }),
        };
      },
      close: () => boss.stop({ graceful: true, close: true }),
    };
  },
};

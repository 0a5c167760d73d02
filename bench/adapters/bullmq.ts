/**
 * BullMQ with the PostgreSQL backend that ships inside the `bullmq` package
 * since 6.x (`createPostgresBackend`): same Queue/Worker API as on Redis.
 * Completed jobs are removed (`removeOnComplete: true`), the setting BullMQ
 * recommends for throughput, so its tables do not grow during a drain.
 */
import { Queue, Worker, createPostgresBackend, runMigrations } from "bullmq";
import pg from "pg";
import type { BenchJob, SystemAdapter, SystemSession, WorkerSpec } from "../system.js";
import { installedVersion } from "../versions.js";

const queueName = "bench";
const poolSize = 10;
const schema = "bullmq";

export const bullmqAdapter: SystemAdapter = {
  id: "bullmq-pg",
  version: `bullmq ${installedVersion("bullmq")} (PostgreSQL backend)`,
  settings: {
    backend: "createPostgresBackend",
    "connection.max": poolSize,
    removeOnComplete: true,
    concurrency: "per workload",
  },
  workloads: ["enqueue-single", "enqueue-batch", "drain", "latency", "mixed"],
  async open(databaseUrl: string): Promise<SystemSession> {
    // Our own pool, so a connection the harness's DROP DATABASE ends is an error we handle, not a crash.
    // A pool we build must pin BullMQ's schema itself (its docs: a pre-built pool brings its own search_path).
    const connection = new pg.Pool({
      connectionString: databaseUrl,
      max: poolSize,
      options: `-c search_path=${schema}`,
    });
    connection.on("error", () => {});
    await runMigrations(connection, schema);
    const queue = new Queue(
      queueName,
      { connection, defaultJobOptions: { removeOnComplete: true } },
      createPostgresBackend,
    );
    await queue.waitUntilReady();
    return {
      async push(job: BenchJob) {
        await queue.add("bench", job);
      },
      async pushBatch(jobs: readonly BenchJob[]) {
        await queue.addBulk(jobs.map((data) => ({ name: "bench", data })));
      },
      async startWorker(spec: WorkerSpec) {
        const worker = new Worker(
          queueName,
          async (job) => {
            spec.handle(job.data as BenchJob);
          },
          { connection, concurrency: spec.concurrency, removeOnComplete: { count: 0 } },
          createPostgresBackend,
        );
        worker.on("error", (error) => console.error("bullmq worker error:", error));
        await worker.waitUntilReady();
        return { stop: () => worker.close() };
      },
      async close() {
        await queue.close();
        await connection.end();
      },
    };
  },
};

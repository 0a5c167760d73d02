/**
 * pgmq-gen through its generated API, as a user calls it: the typed
 * producers (`benchArchiveQueue.push(job)`, `.pushBatch(jobs)`) and
 * `createWorker({ queue: handler }, options)` from the code the compiler
 * wrote for bench/pgmqGenProject into bench/.tmp/pgmq-gen/generated/. Two
 * systems: the default `onSuccess: "archive"`, and `"delete"` (drain only).
 */
import pg from "pg";
import { configure, ensureQueues } from "../../src/runtime/index.js";
import type { Producer, QueueDefinition, Worker, WorkerOptions } from "../../src/runtime/index.js";
import type { BenchJob, SystemAdapter, SystemSession, WorkerSpec, WorkloadId } from "../system.js";
import { repoVersion } from "../versions.js";

type QueueKey = "bench_archive" | "bench_delete";

/** The part of the generated module the bench uses (it is written at bench time, so typed here). */
interface GeneratedBenchModule {
  benchArchiveQueue: Producer<BenchJob>;
  benchDeleteQueue: Producer<BenchJob>;
  queueDefinitions: Record<QueueKey, QueueDefinition<QueueKey, BenchJob>>;
  createWorker(
    handlers: Partial<Record<QueueKey, (job: BenchJob) => void | Promise<void>>>,
    options?: WorkerOptions<QueueKey>,
  ): Worker;
}

const poolSize = 10;

// Under tsx this file is .ts; in the mixed workload's worker process it runs transpiled (.js).
const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const generatedUrl = new URL(`../.tmp/pgmq-gen/generated/index${extension}`, import.meta.url);

let generated: Promise<GeneratedBenchModule> | undefined;
function loadGenerated(): Promise<GeneratedBenchModule> {
  generated ??= import(generatedUrl.href) as Promise<GeneratedBenchModule>;
  return generated;
}

function pgmqGenAdapter(id: string, queue: QueueKey, workloads: readonly WorkloadId[]): SystemAdapter {
  return {
    id,
    version: `pgmq-gen ${repoVersion()} (this repo)`,
    settings: {
      onSuccess: queue === "bench_archive" ? "archive" : "delete",
      "pool.max": poolSize,
      concurrency: "per workload",
      batchSize: "default (= max(concurrency, 500); buffers free slots + ~100 ms of work)",
      listen: "default (true)",
      validation: "precompiled ajv, on every push",
    },
    workloads,
    async open(databaseUrl: string): Promise<SystemSession> {
      const module = await loadGenerated();
      const producer = queue === "bench_archive" ? module.benchArchiveQueue : module.benchDeleteQueue;
      const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
      // The harness drops the database with FORCE at the end; idle clients then error harmlessly.
      pool.on("error", () => {});
      configure({ pool });
      await ensureQueues(pool, [queue]);
      return {
        async push(job: BenchJob) {
          await producer.push(job);
        },
        async pushBatch(jobs: readonly BenchJob[]) {
          await producer.pushBatch(jobs);
        },
        async startWorker(spec: WorkerSpec) {
          const worker = module.createWorker({ [queue]: (job: BenchJob) => spec.handle(job) }, {
            pool,
            concurrency: spec.concurrency,
          });
          worker.on("error", (error) => console.error(`${id} worker error:`, error));
          await worker.start();
          return { stop: () => worker.stop() };
        },
        close: () => pool.end(),
      };
    },
  };
}

export const pgmqGenArchiveAdapter = pgmqGenAdapter("pgmq-gen", "bench_archive", [
  "enqueue-single",
  "enqueue-batch",
  "drain",
  "latency",
  "mixed",
]);
export const pgmqGenDeleteAdapter = pgmqGenAdapter("pgmq-gen-delete", "bench_delete", ["drain"]);

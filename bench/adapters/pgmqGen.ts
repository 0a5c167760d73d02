/**
 * pgmq-gen through its generated API, as a user calls it: the typed
 * producers (`benchArchiveQueue.push(job)`, `.pushBatch(jobs)`) and
 * `createWorker({ queue: handler }, options)` from the code the compiler
 * wrote for bench/pgmqGenProject into bench/.tmp/pgmq-gen/generated/. Two
 * systems: the default `onSuccess: "archive"`, and `"delete"` (drain only).
 */
import pg from "pg";
import { configure, createQueueWorker, ensureQueues } from "../../src/runtime/index.js";
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

/**
 * The generated `createWorker` documents "handlers for any subset of the
 * queues", but the runtime (workerSettings.ts) still demands a handler for
 * every queue it is given. Until that is fixed, fall back to the runtime's
 * `createQueueWorker` with the generated definition of the one queue; once
 * `createWorker` accepts a subset, this path is no longer taken.
 */
function createBenchWorker(
  module: GeneratedBenchModule,
  queue: QueueKey,
  handle: (job: BenchJob) => void,
  options: WorkerOptions<QueueKey>,
): Worker {
  try {
    return module.createWorker({ [queue]: handle }, options);
  } catch (error) {
    if (!(error instanceof TypeError && error.message.includes("no handler for queue"))) throw error;
    if (!warnedAboutSubset) {
      warnedAboutSubset = true;
      console.error(`pgmq-gen: createWorker rejects a subset of queues (${error.message}); using createQueueWorker`);
    }
    return createQueueWorker({ [queue]: module.queueDefinitions[queue] }, { [queue]: handle }, options);
  }
}
let warnedAboutSubset = false;

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
      batchSize: "default (= max(concurrency, 100))",
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
          const worker = createBenchWorker(module, queue, (job) => spec.handle(job), {
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

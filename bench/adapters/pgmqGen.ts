/**
 * pgmq-gen through its generated API, as a user calls it: the typed
 * producers (`benchArchiveQueue.push(job)`, `.pushBatch(jobs)`) and
 * `createWorker({ queue: handler }, options)` from the code the compiler
 * wrote for bench/pgmqGenProject into bench/.tmp/pgmq-gen/generated/. Three
 * systems: the default `onSuccess: "archive"`, `"delete"` (drain only), and
 * `pgmq-gen+otel`, the first with the OpenTelemetry SDK registered
 * (openTelemetry.ts). The first two run with `configure({ telemetry: false })`,
 * the runtime's path when `@opentelemetry/api` is not installed (the bench's
 * process has it, for the third).
 */
import pg from "pg";
import * as thisRuntime from "../../packages/runtime/src/index.js";
import type { Producer, QueueDefinition, Worker, WorkerOptions } from "../../packages/runtime/src/index.js";
import type { BenchJob, SystemAdapter, SystemSession, WorkerSpec, WorkloadId } from "../system.js";
import { repoVersion } from "../versions.js";
import { registerOpenTelemetry } from "./openTelemetry.js";

export type QueueKey = "bench_archive" | "bench_delete";

/** The part of the generated module the bench uses (it is written at bench time, so typed here). */
export interface GeneratedBenchModule {
  benchArchiveQueue: Producer<BenchJob>;
  benchDeleteQueue: Producer<BenchJob>;
  queueDefinitions: Record<QueueKey, QueueDefinition<QueueKey, BenchJob>>;
  createWorker(
    handlers: Partial<Record<QueueKey, (job: BenchJob) => void | Promise<void>>>,
    options?: WorkerOptions<QueueKey>,
  ): Worker;
}

const poolSize = 10;

/** The runtime's entry points the adapter calls itself (the rest goes through the generated code). */
export type RuntimeModule = Pick<typeof thisRuntime, "configure" | "ensureQueues">;

/** `absent`: as without `@opentelemetry/api`; `sdk`: with the SDK registered, spans and metrics recorded. */
export type BenchTelemetry = "absent" | "sdk";

/**
 * One build of pgmq-gen: the generated bench queues and the runtime that
 * code imports. The bench drives this checkout; the depth bench also drives
 * the runtime of an earlier commit (bench/depth/beforeBuild.ts) through code
 * generated the same way, so both are called identically.
 */
export interface PgmqGenBuild {
  /** Shown as the system's version. */
  readonly label: string;
  loadGenerated(): Promise<GeneratedBenchModule>;
  loadRuntime(): Promise<RuntimeModule>;
}

// Under tsx this file is .ts; in the mixed workload's worker process it runs transpiled (.js).
const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
const generatedUrl = new URL(`../.tmp/pgmq-gen/generated/index${extension}`, import.meta.url);

let generated: Promise<GeneratedBenchModule> | undefined;

/** This checkout: bench/.tmp/pgmq-gen/generated/ (see generateBenchQueues.ts) on packages/runtime/src. */
export const thisCheckout: PgmqGenBuild = {
  label: `pgmq-gen ${repoVersion()} (this repo)`,
  loadGenerated() {
    generated ??= import(generatedUrl.href) as Promise<GeneratedBenchModule>;
    return generated;
  },
  loadRuntime: () => Promise.resolve(thisRuntime),
};

export function pgmqGenAdapter(
  id: string,
  queue: QueueKey,
  workloads: readonly WorkloadId[],
  build: PgmqGenBuild = thisCheckout,
  telemetry: BenchTelemetry = "absent",
): SystemAdapter {
  return {
    id,
    version: build.label,
    settings: {
      onSuccess: queue === "bench_archive" ? "archive" : "delete",
      "pool.max": poolSize,
      concurrency: "per workload",
      batchSize: "default (= max(concurrency, 500); buffers free slots + ~100 ms of work)",
      listen: "default (true)",
      validation: "precompiled ajv, on every push",
      telemetry:
        telemetry === "sdk"
          ? "OpenTelemetry SDK: every span created and batched to an exporter that drops it; metrics recorded; depth gauge every 15 s"
          : "off (configure({ telemetry: false }): the path without @opentelemetry/api)",
    },
    workloads,
    async open(databaseUrl: string): Promise<SystemSession> {
      const module = await build.loadGenerated();
      const { configure, ensureQueues } = await build.loadRuntime();
      const producer = queue === "bench_archive" ? module.benchArchiveQueue : module.benchDeleteQueue;
      const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
      // The harness drops the database with FORCE at the end; idle clients then error harmlessly.
      pool.on("error", () => {});
      // An earlier commit's runtime (the depth bench's @before) ignores the option.
      configure({ pool, telemetry: telemetry === "sdk" } as Parameters<typeof configure>[0]);
      const unregister = telemetry === "sdk" ? registerOpenTelemetry() : async () => {};
      await ensureQueues(pool, [queue]);
      return {
        async push(job: BenchJob) {
          await producer.push(job);
        },
        async pushBatch(jobs: readonly BenchJob[]) {
          await producer.pushBatch(jobs);
        },
        async startWorker(spec: WorkerSpec) {
          const worker = module.createWorker(
            { [queue]: (job: BenchJob) => spec.handle(job) },
            {
              pool,
              concurrency: spec.concurrency,
              // Measured like the peers: the queue, not a log line per failed attempt of the retry workloads.
              logger: false,
            },
          );
          worker.on("error", (error) => console.error(`${id} worker error:`, error));
          await worker.start();
          return { stop: () => worker.stop() };
        },
        async close() {
          await pool.end();
          await unregister();
        },
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
export const pgmqGenOtelAdapter = pgmqGenAdapter(
  "pgmq-gen+otel",
  "bench_archive",
  ["enqueue-single", "enqueue-batch", "drain", "latency"],
  thisCheckout,
  "sdk",
);

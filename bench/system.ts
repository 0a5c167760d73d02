/**
 * The contract every benchmarked system implements, so one harness drives
 * pgmq-gen, its peers and the raw-SQL baseline through the same workloads.
 *
 * Glossary:
 * - system: one queue implementation with one configuration ("pg-boss", "pgmq-gen (delete)").
 * - session: a system opened on one fresh database, for one workload run.
 * - ledger: the harness's record of which job ran how often (see `ledger.ts`).
 */

/** The payload every system carries: small, realistic, and checked by pgmq-gen's validator. */
export interface BenchJob {
  /** 0-based sequence number, unique within a run: the ledger's index. */
  seq: number;
  to: string;
  subject: string;
}

export type WorkloadId = "enqueue-single" | "enqueue-batch" | "drain" | "latency" | "mixed";

export interface WorkerSpec {
  /** Jobs in flight at once. */
  concurrency: number;
  /** Runs once per delivered job; synchronous and cheap, like a no-op handler. */
  handle(job: BenchJob): void;
}

export interface RunningWorker {
  /** Stops fetching and waits for in-flight jobs (and their acks) to finish. */
  stop(): Promise<void>;
}

/** One system opened on one fresh database; queue created, ready to push. */
export interface SystemSession {
  push(job: BenchJob): Promise<void>;
  pushBatch(jobs: readonly BenchJob[]): Promise<void>;
  startWorker(spec: WorkerSpec): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface SystemAdapter {
  /** Stable id used on the command line (`--systems`) and in the results JSON. */
  readonly id: string;
  /** Package name and version as installed, e.g. "pg-boss 12.38.0". */
  readonly version: string;
  /** The settings used, printed beside the results so a reader can reproduce them. */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** The workloads this system takes part in (a mode variant may join only one). */
  readonly workloads: readonly WorkloadId[];
  open(databaseUrl: string): Promise<SystemSession>;
}

export const allWorkloads: readonly WorkloadId[] = ["enqueue-single", "enqueue-batch", "drain", "latency", "mixed"];

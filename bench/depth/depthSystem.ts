/**
 * What the depth bench drives: a system opened on a queue of a database
 * that already holds the scenario's backlog. Sessions are the main bench's
 * (system.ts), so its enqueue workload runs unchanged.
 */
import type { SystemSession } from "../system.js";

/** The two queues of every depth database: drains delete, or archive (the archive scenario). */
export type DepthQueue = "bench_delete" | "bench_archive";

/**
 * The database a system runs on. `runtime`: queues made by pgmq-gen's
 * runtime (its layout and insert-notify trigger, no PGMQ installed);
 * `pgmq`: PGMQ's SQL installed and queues made by `pgmq.create`.
 */
export type DepthLayout = "runtime" | "pgmq";

export interface DepthSystem {
  /** As on the command line (`--systems`) and in the results. */
  readonly id: string;
  readonly version: string;
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  readonly layout: DepthLayout;
  open(databaseUrl: string, queue: DepthQueue): Promise<SystemSession>;
}

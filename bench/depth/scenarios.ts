/**
 * The depth bench's scenarios (what already waits in the queue) and the
 * sizes of its three workloads. The first scenario, the empty queue, is
 * every system's reference for the ratios.
 */
import type { DepthQueue } from "./depthSystem.js";
import type { BacklogKind } from "./queueData.js";

export interface Scenario {
  readonly id: string;
  readonly kind: BacklogKind;
  /** Messages waiting (delayed, visible) or archived rows. */
  readonly rows: number;
}

export type DepthWorkload = "enqueue" | "drain" | "latency";
export const depthWorkloads: readonly DepthWorkload[] = ["enqueue", "drain", "latency"];

export interface DepthParams {
  readonly scenarios: readonly Scenario[];
  /** Single pushes from `callers` concurrent callers (bench/workloads/enqueue.ts). */
  readonly enqueue: { jobs: number; callers: number };
  readonly drain: { jobs: number; concurrency: number; capMs: number };
  readonly latency: { jobs: number; intervalMs: number; concurrency: number; warmupJobs: number; capMs: number };
  /**
   * Ids 1..frontRows of a visible backlog are rewritten after every measurement (queueData.ts):
   * the drain's jobs plus what a worker takes while the drain settles (300 ms at up to ~60k jobs/s).
   */
  readonly frontRows: number;
}

const k = 1_000;
const M = 1_000_000;

export const fullScenarios: readonly Scenario[] = [
  { id: "empty", kind: "delayed", rows: 0 },
  { id: "delayed 100k", kind: "delayed", rows: 100 * k },
  { id: "delayed 1M", kind: "delayed", rows: M },
  { id: "delayed 10M", kind: "delayed", rows: 10 * M },
  { id: "visible 100k", kind: "visible", rows: 100 * k },
  { id: "visible 1M", kind: "visible", rows: M },
  { id: "visible 10M", kind: "visible", rows: 10 * M },
  { id: "archive 10M", kind: "archive", rows: 10 * M },
];

export const fullParams: DepthParams = {
  scenarios: fullScenarios,
  enqueue: { jobs: 4000, callers: 8 },
  drain: { jobs: 20_000, concurrency: 16, capMs: 20_000 },
  latency: { jobs: 300, intervalMs: 10, concurrency: 16, warmupJobs: 20, capMs: 15_000 },
  frontRows: 50_000,
};

/** `--quick`: depths up to 100k, smaller workloads. */
export const quickParams: DepthParams = {
  scenarios: [
    { id: "empty", kind: "delayed", rows: 0 },
    { id: "delayed 100k", kind: "delayed", rows: 100 * k },
    { id: "visible 100k", kind: "visible", rows: 100 * k },
    { id: "archive 100k", kind: "archive", rows: 100 * k },
  ],
  enqueue: { jobs: 1000, callers: 8 },
  drain: { jobs: 4000, concurrency: 16, capMs: 10_000 },
  latency: { jobs: 100, intervalMs: 10, concurrency: 16, warmupJobs: 10, capMs: 10_000 },
  frontRows: 20_000,
};

export function queueOf(scenario: Scenario): DepthQueue {
  return scenario.kind === "archive" ? "bench_archive" : "bench_delete";
}

/**
 * Why a workload has no figure in a scenario, or null. A new job in a FIFO
 * queue waits behind every visible job before it, so push → start latency
 * behind a visible backlog is the backlog's drain time, not the queue's latency.
 */
export function notApplicable(scenario: Scenario, workload: DepthWorkload): string | null {
  if (workload === "latency" && scenario.kind === "visible") return "n/a: a new job waits behind the visible backlog";
  return null;
}

/**
 * The product's performance targets (issue "Performance: beat every Node job
 * queue on Postgres"), checked against the medians of the same run.
 */
import type { ReportRow } from "./report.js";

export interface TargetCheck {
  target: string;
  /** null when a figure it needs is missing from this run. */
  met: boolean | null;
  detail: string;
}

type Lookup = (workload: string, metric: string, system: string) => number | undefined;

function lookupIn(rows: readonly ReportRow[]): Lookup {
  return (workload, metric, system) =>
    rows.find((r) => r.workload === workload && r.metric === metric && r.system === system)?.stats?.median;
}

function atLeast(
  get: Lookup,
  target: string,
  workload: string,
  metric: string,
  ours: string,
  theirs: string,
  factor: number,
): TargetCheck {
  const a = get(workload, metric, ours);
  const b = get(workload, metric, theirs);
  if (a === undefined || b === undefined) return { target, met: null, detail: "not measured in this run" };
  const r = a / b;
  return { target, met: r >= factor, detail: `${r.toFixed(2)}× (need ≥ ${factor}×)` };
}

function noWorse(
  get: Lookup,
  target: string,
  workload: string,
  metric: string,
  ours: string,
  theirs: string,
): TargetCheck {
  const a = get(workload, metric, ours);
  const b = get(workload, metric, theirs);
  if (a === undefined || b === undefined) return { target, met: null, detail: "not measured in this run" };
  return { target, met: a <= b, detail: `${a.toFixed(2)} vs ${b.toFixed(2)}` };
}

function below(
  get: Lookup,
  target: string,
  workload: string,
  metric: string,
  system: string,
  limit: number,
): TargetCheck {
  const a = get(workload, metric, system);
  if (a === undefined) return { target, met: null, detail: "not measured in this run" };
  return { target, met: a < limit, detail: `${a.toFixed(2)} (need < ${limit})` };
}

export function checkTargets(rows: readonly ReportRow[]): TargetCheck[] {
  const get = lookupIn(rows);
  return [
    atLeast(
      get,
      "drain, delete mode ≥ 1.3× graphile-worker",
      "drain",
      "jobs/s",
      "pgmq-gen-delete",
      "graphile-worker",
      1.3,
    ),
    atLeast(get, "drain, delete mode ≥ 3× pg-boss", "drain", "jobs/s", "pgmq-gen-delete", "pg-boss", 3),
    atLeast(get, "drain, archive mode ≥ 1.0× graphile-worker", "drain", "jobs/s", "pgmq-gen", "graphile-worker", 1.0),
    atLeast(get, "enqueue one at a time ≥ 0.9× raw SQL", "enqueue-single", "jobs/s", "pgmq-gen", "raw-sql", 0.9),
    atLeast(get, "enqueue batches ≥ 0.8× raw SQL", "enqueue-batch", "jobs/s", "pgmq-gen", "raw-sql", 0.8),
    noWorse(get, "latency p50 ≤ graphile-worker", "latency", "p50 ms", "pgmq-gen", "graphile-worker"),
    noWorse(get, "latency p99 ≤ graphile-worker", "latency", "p99 ms", "pgmq-gen", "graphile-worker"),
    below(get, "worker peak memory < 100 MB at concurrency 100", "mixed", "worker peak RSS MB", "pgmq-gen", 100),
    below(get, "generator, 200 queues cold < 5 s", "generator", "cold generate s", "pgmq-gen", 5),
    below(
      get,
      "generator --check < 2 s (with the build cache generate saved)",
      "generator",
      "--check s",
      "pgmq-gen",
      2,
    ),
    below(
      get,
      "generator --check < 2 s without a cache (fresh clone)",
      "generator",
      "--check --no-cache s",
      "pgmq-gen",
      2,
    ),
  ];
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  const mark = (met: boolean | null): string => (met === null ? "n/a " : met ? "MET " : "MISS");
  return checks.map((c) => `${mark(c.met)}  ${c.target}: ${c.detail}`).join("\n");
}

/**
 * The depth table: one row per scenario; per system the median enqueue
 * rate, drain rate and push → start latency, each with its ratio to the
 * same system's empty-queue median; and whether pgmq-gen stays within 20%
 * of its empty-queue figures.
 */
import { median } from "../stats.js";
import type { Scenario } from "./scenarios.js";

export type DepthMetric = "enqueue jobs/s" | "drain jobs/s" | "p50 ms" | "p95 ms";

/** Samples of one system in one scenario. */
export interface CellResult {
  samples: Partial<Record<DepthMetric, number[]>>;
  /**
   * The same system's figures on an empty queue (same onSuccess), each
   * measured just before its deep counterpart in the same repetition: the
   * machine's speed drifts over a run (shared host), so a reference taken
   * once at the start would mix that drift into every ratio.
   */
  reference: Partial<Record<DepthMetric, number[]>>;
  /** Metrics where some repetition hit the time cap. */
  capped: Partial<Record<DepthMetric, boolean>>;
  /** Workload → why it has no figure (n/a) or why it failed. */
  notes: Record<string, string>;
  failed: boolean;
}

export type DepthResults = Record<string, Record<string, CellResult>>;

/** The target: every figure within this fraction of the empty queue's. */
export const tolerance = 0.2;
const higherIsBetter: Record<DepthMetric, boolean> = {
  "enqueue jobs/s": true,
  "drain jobs/s": true,
  "p50 ms": false,
  "p95 ms": false,
};

function figure(cell: CellResult | undefined, metric: DepthMetric): number | null {
  const samples = cell?.samples[metric];
  return samples && samples.length > 0 ? median(samples) : null;
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toPrecision(3);
}

function ratio(cell: CellResult | undefined, empty: CellResult | undefined, metric: DepthMetric): number | null {
  const value = figure(cell, metric);
  const paired = cell?.reference[metric];
  const reference = paired && paired.length > 0 ? median(paired) : figure(empty, metric);
  return value === null || reference === null || reference === 0 ? null : value / reference;
}

function rateCell(cell: CellResult | undefined, empty: CellResult | undefined, metric: DepthMetric): string {
  const value = figure(cell, metric);
  if (value === null) return cell?.failed ? "FAILED" : "n/a";
  const r = ratio(cell, empty, metric);
  return `${formatNumber(value)}${cell!.capped[metric] ? "*" : ""} (${r === null ? "–" : r.toFixed(2)})`;
}

function latencyCell(cell: CellResult | undefined, empty: CellResult | undefined): string {
  const p50 = figure(cell, "p50 ms");
  const p95 = figure(cell, "p95 ms");
  if (p50 === null || p95 === null)
    return cell?.notes.latency?.startsWith("n/a") ? "n/a" : cell?.failed ? "FAILED" : "n/a";
  const bound = cell!.capped["p50 ms"] ? "≥" : "";
  const r50 = ratio(cell, empty, "p50 ms");
  const r95 = ratio(cell, empty, "p95 ms");
  return `${bound}${formatNumber(p50)} / ${bound}${formatNumber(p95)} (${r50?.toFixed(2) ?? "–"} / ${r95?.toFixed(2) ?? "–"})`;
}

/** PASS when every figure pgmq-gen has in this scenario is within the tolerance of its empty-queue figure. */
export function verdict(cell: CellResult | undefined, empty: CellResult | undefined): string {
  if (!cell) return "–";
  if (cell.failed) return "FAIL (error)";
  const misses: string[] = [];
  for (const metric of Object.keys(higherIsBetter) as DepthMetric[]) {
    const r = ratio(cell, empty, metric);
    if (r === null) continue;
    const within = higherIsBetter[metric] ? r >= 1 - tolerance : r <= 1 + tolerance;
    if (!within) misses.push(metric.replace(" jobs/s", ""));
  }
  return misses.length === 0 ? "PASS" : `FAIL (${misses.join(", ")})`;
}

export function renderDepthTable(
  scenarios: readonly Scenario[],
  systems: readonly string[],
  results: DepthResults,
): string {
  const reference = scenarios[0]!.id;
  const header = ["scenario"];
  for (const system of systems) header.push(`${system} enqueue/s`, `${system} drain/s`, `${system} p50 / p95 ms`);
  header.push("pgmq-gen within 20%");
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`];
  for (const scenario of scenarios) {
    const row = [scenario.id];
    for (const system of systems) {
      const cell = results[scenario.id]?.[system];
      const empty = results[reference]?.[system];
      row.push(
        rateCell(cell, empty, "enqueue jobs/s"),
        rateCell(cell, empty, "drain jobs/s"),
        latencyCell(cell, empty),
      );
    }
    const ours = results[scenario.id]?.["pgmq-gen"];
    row.push(scenario.id === reference ? "(reference)" : verdict(ours, results[reference]?.["pgmq-gen"]));
    lines.push(`| ${row.join(" | ")} |`);
  }
  return lines.join("\n");
}

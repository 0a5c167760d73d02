/**
 * Turns plan results into the one table `npm run bench` prints (and
 * docs/performance.md embeds): each system's median per workload metric,
 * min–max, and ratios to pgmq-gen and to the raw-SQL baseline.
 */
import type { PlanResults } from "./runPlan.js";
import { spread, type Spread } from "./stats.js";
import type { WorkloadId } from "./system.js";

export const referenceSystem = "pgmq-gen";
export const baselineSystem = "raw-sql";

export interface ReportRow {
  workload: WorkloadId | "generator";
  metric: string;
  system: string;
  stats: Spread | null;
  error?: string;
}

/** Metrics where a smaller number is better. */
export function lowerIsBetter(metric: string): boolean {
  return metric.endsWith(" ms") || metric.endsWith(" MB") || metric.endsWith(" s");
}

export function reportRows(results: PlanResults): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const [workload, bySystem] of Object.entries(results) as [WorkloadId, PlanResults[WorkloadId]][]) {
    if (!bySystem) continue;
    const metrics = new Set<string>();
    for (const result of Object.values(bySystem)) for (const metric of Object.keys(result.samples)) metrics.add(metric);
    if (metrics.size === 0) metrics.add("jobs/s");
    for (const metric of metrics) {
      for (const [system, result] of Object.entries(bySystem)) {
        const samples = result.samples[metric] ?? [];
        rows.push({
          workload,
          metric,
          system,
          stats: result.error || samples.length === 0 ? null : spread(samples),
          ...(result.error ? { error: result.error } : {}),
        });
      }
    }
  }
  return rows;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) < 1) return value.toPrecision(2);
  return value.toFixed(value >= 10 ? 1 : 2);
}

function ratio(row: ReportRow, rows: readonly ReportRow[], against: string): string {
  // Drain compares both pgmq-gen modes with pgmq-gen's archive mode, the default.
  const reference = rows.find((r) => r.workload === row.workload && r.metric === row.metric && r.system === against);
  if (!row.stats || !reference?.stats) return "–";
  return `${(row.stats.median / reference.stats.median).toFixed(2)}×`;
}

const header = ["Workload", "Metric", "System", "Median", "Min–max", `÷ ${referenceSystem}`, `÷ ${baselineSystem}`];

function cells(row: ReportRow, rows: readonly ReportRow[]): string[] {
  const direction = lowerIsBetter(row.metric) ? " (lower is better)" : "";
  return [
    row.workload,
    row.metric + direction,
    row.system,
    row.stats ? formatNumber(row.stats.median) : `FAILED: ${row.error ?? "no data"}`,
    row.stats ? `${formatNumber(row.stats.min)}–${formatNumber(row.stats.max)}` : "",
    ratio(row, rows, referenceSystem),
    ratio(row, rows, baselineSystem),
  ];
}

export function renderTextTable(rows: readonly ReportRow[]): string {
  const body = rows.map((row) => cells(row, rows));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => Math.min(60, r[i]!.length))));
  const line = (r: string[]): string =>
    r.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  ")];
  let previous = "";
  for (const r of body) {
    const group = `${r[0]}/${r[1]}`;
    if (previous && group !== previous) out.push("");
    previous = group;
    out.push(line(r));
  }
  return out.join("\n");
}

export function renderMarkdownTable(rows: readonly ReportRow[]): string {
  const out = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i >= 3 ? "---:" : "---")).join("|")}|`];
  for (const row of rows) out.push(`| ${cells(row, rows).join(" | ")} |`);
  return out.join("\n");
}

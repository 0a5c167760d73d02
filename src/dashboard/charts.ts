/**
 * The dashboard's small charts, drawn on the server as inline SVG: no
 * script, no chart library, nothing fetched. Each is a `<figure>` whose SVG
 * has a text alternative saying what it shows in figures (a screen reader
 * reads that, not the bars), and the queue page adds the data as a table.
 */
import type { CompletionBucket } from "@pgmq-gen/runtime";
import type { DepthSample } from "./depthHistory.js";
import { type Html, html, trustedHtml } from "./html.js";

export interface ChartSize {
  width: number;
  height: number;
}

export const SPARKLINE: ChartSize = { width: 120, height: 32 };
export const LARGE_CHART: ChartSize = { width: 640, height: 160 };

let chartCount = 0;
function chartId(): string {
  chartCount = (chartCount + 1) % Number.MAX_SAFE_INTEGER;
  return `chart-${chartCount}`;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** What the throughput chart says, in words. */
export function throughputSummary(buckets: readonly CompletionBucket[]): string {
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  const peak = buckets.reduce((max, bucket) => Math.max(max, bucket.count), 0);
  const current = buckets.at(-1)?.count ?? 0;
  return (
    `Jobs completed per minute over the last ${buckets.length} minutes: ${total.toLocaleString("en-US")} in all, ` +
    `at most ${peak.toLocaleString("en-US")} in one minute, ${current.toLocaleString("en-US")} so far this minute.`
  );
}

/** Completed jobs per minute as bars, oldest on the left. */
export function throughputChart(buckets: readonly CompletionBucket[], size: ChartSize): Html {
  const id = chartId();
  const peak = Math.max(1, ...buckets.map((bucket) => bucket.count));
  const slot = size.width / Math.max(1, buckets.length);
  const bars = buckets
    .map((bucket, index) => {
      if (bucket.count === 0) return "";
      const height = Math.max(1, (bucket.count / peak) * (size.height - 2));
      return `<rect x="${round(index * slot)}" y="${round(size.height - height)}" width="${round(Math.max(1, slot - 1))}" height="${round(height)}"/>`;
    })
    .join("");
  return html`<svg class="chart chart-throughput" role="img" aria-labelledby="${id}" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}"><title id="${id}">${throughputSummary(buckets)}</title><line class="axis" x1="0" y1="${size.height - 0.5}" x2="${size.width}" y2="${size.height - 0.5}"/>${trustedHtml(bars)}</svg>`;
}

/** What the depth chart says, in words. */
export function depthSummary(samples: readonly DepthSample[], spanMs: number, now: Date): string {
  const last = samples.at(-1);
  if (last === undefined) return "Queue depth: no samples yet (the dashboard samples each queue while it runs).";
  const minutes = Math.max(1, Math.round((now.getTime() - samples[0]!.at.getTime()) / 60_000));
  const peak = Math.max(...samples.map((sample) => sample.visible));
  const within = Math.min(minutes, Math.round(spanMs / 60_000));
  return (
    `Queue depth over the last ${within} minutes (${samples.length} samples): visible now ${last.visible.toLocaleString("en-US")}, ` +
    `at most ${peak.toLocaleString("en-US")}; in flight now ${last.inFlight.toLocaleString("en-US")}.` +
    (samples.some((sample) => sample.approximate) ? " Some samples are estimates (past the count cap)." : "")
  );
}

function polyline(points: readonly [number, number][], className: string): string {
  if (points.length === 0) return "";
  const coordinates = points.map(([x, y]) => `${round(x)},${round(y)}`).join(" ");
  return `<polyline class="${className}" points="${coordinates}"/>`;
}

/** Visible and in-flight messages over the span, the right edge `now`. */
export function depthChart(samples: readonly DepthSample[], spanMs: number, now: Date, size: ChartSize): Html {
  const id = chartId();
  const peak = Math.max(1, ...samples.map((sample) => Math.max(sample.visible, sample.inFlight)));
  // The x axis spans the samples kept, up to `spanMs`: just after the dashboard starts, the few
  // minutes it has fill the chart instead of a sliver at its right edge.
  const first = samples[0];
  const windowMs = Math.max(1000, Math.min(spanMs, first === undefined ? spanMs : now.getTime() - first.at.getTime()));
  const x = (sample: DepthSample): number =>
    Math.max(0, size.width - ((now.getTime() - sample.at.getTime()) / windowMs) * size.width);
  const y = (value: number): number => size.height - 1 - (value / peak) * (size.height - 3);
  const visible = polyline(
    samples.map((sample) => [x(sample), y(sample.visible)]),
    "series-visible",
  );
  const inFlight = polyline(
    samples.map((sample) => [x(sample), y(sample.inFlight)]),
    "series-in-flight",
  );
  return html`<svg class="chart chart-depth" role="img" aria-labelledby="${id}" width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}"><title id="${id}">${depthSummary(samples, spanMs, now)}</title><line class="axis" x1="0" y1="${size.height - 0.5}" x2="${size.width}" y2="${size.height - 0.5}"/>${trustedHtml(visible)}${trustedHtml(inFlight)}</svg>`;
}

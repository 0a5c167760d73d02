/**
 * `/`: every queue of the config with its status figures and two small
 * charts, jobs completed per minute and depth over the last hour.
 */
import type { CompletionBucket, QueueStatus } from "@pgmq-gen/runtime";
import { depthChart, SPARKLINE, throughputChart } from "../charts.js";
import type { DepthSample } from "../depthHistory.js";
import { type Html, html } from "../html.js";
import { queuePath } from "../paths.js";
import { approximationNote, FIGURES, figureCell } from "./figures.js";

export interface OverviewRow {
  readonly status: QueueStatus;
  /** Completed per minute over the last hour; null without an archive (or for onSuccess delete). */
  readonly throughput: readonly CompletionBucket[] | null;
  readonly depth: readonly DepthSample[];
}

export interface OverviewContent {
  readonly rows: readonly OverviewRow[];
  readonly countCap: number;
  readonly depthSpanMs: number;
  readonly now: Date;
}

function row(entry: OverviewRow, content: OverviewContent): Html {
  const { status } = entry;
  const name = html`<th scope="row"><a href="${queuePath(status.queue)}">${status.queue}</a></th>`;
  if (!status.exists)
    return html`<tr>${name}<td colspan="${FIGURES.length + 2}" class="empty">no queue table yet</td></tr>`;
  const throughput =
    entry.throughput === null ? html`<span class="none">-</span>` : throughputChart(entry.throughput, SPARKLINE);
  return html`<tr>${name}${FIGURES.map(([figure]) => html`<td class="number">${figureCell(status, figure)}</td>`)}<td>${throughput}</td><td>${depthChart(entry.depth, content.depthSpanMs, content.now, SPARKLINE)}</td></tr>`;
}

export function overviewContent(content: OverviewContent): Html {
  const statuses = content.rows.map((entry) => entry.status);
  return html`<section id="overview" data-live aria-labelledby="overview-heading">
<h2 id="overview-heading" class="visually-hidden">Status of each queue</h2>
<div class="table-wrap"><table class="queues">
<caption>Each queue of the config, dead-letter queues included. Oldest: age of the oldest visible message; done: jobs completed in the last minute and hour; charts: the last hour, oldest on the left.</caption>
<thead><tr><th scope="col">Queue</th>${FIGURES.map(([, heading]) => html`<th scope="col" class="number">${heading}</th>`)}<th scope="col">Completed / min</th><th scope="col">Depth</th></tr></thead>
<tbody>${content.rows.map((entry) => row(entry, content))}</tbody>
</table></div>
${approximationNote(statuses, content.countCap)}
</section>`;
}

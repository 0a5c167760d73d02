/**
 * `/queues/<queue>`: one queue's figures, its charts with their data, and
 * its messages by state (visible, in flight, delayed), a page at a time.
 */
import type {
  CompletionBucket,
  QueuedMessage,
  QueuedMessageState,
  QueueMessagesPage,
  QueueStatus,
} from "@pgmq-gen/runtime";
import { VERSION_HEADER } from "@pgmq-gen/runtime";
import { depthChart, LARGE_CHART, throughputChart } from "../charts.js";
import type { DashboardQueue } from "../dashboardQueues.js";
import type { DepthSample } from "../depthHistory.js";
import { listedPayload, relativeTime, utcTime } from "../formatting.js";
import { type Html, html } from "../html.js";
import { deadLettersPath, jobPath, queuePath, withQuery } from "../paths.js";
import { approximationNote, figureList } from "./figures.js";

export const MESSAGE_STATES: readonly (readonly [QueuedMessageState, string, string])[] = [
  ["visible", "Visible", "a worker's next read takes them"],
  ["in_flight", "In flight", "read and not visible again yet: a worker holds them, or they wait out a retry's backoff"],
  ["delayed", "Delayed", "pushed with a delay, never read yet"],
];

export interface QueuePageContent {
  readonly queue: DashboardQueue;
  readonly status: QueueStatus;
  readonly throughput: readonly CompletionBucket[] | null;
  readonly depth: readonly DepthSample[];
  readonly depthSpanMs: number;
  readonly state: QueuedMessageState;
  /** Null when the queue has no table. */
  readonly messages: QueueMessagesPage | null;
  readonly countCap: number;
  readonly now: Date;
}

function stateTabs(content: QueuePageContent): Html {
  const path = queuePath(content.queue.queue);
  return html`<nav aria-label="Messages by state"><ul class="tabs">${MESSAGE_STATES.map(([state, label, meaning]) => {
    const current = state === content.state ? html` aria-current="page"` : "";
    return html`<li><a href="${withQuery(path, { state })}"${current} title="${meaning}">${label}</a></li>`;
  })}</ul></nav>`;
}

function versionOf(message: QueuedMessage): string {
  const stamp = message.headers?.[VERSION_HEADER];
  return typeof stamp === "number" ? String(stamp) : "-";
}

function messageRows(content: QueuePageContent, messages: readonly QueuedMessage[]): Html {
  const queue = content.queue.queue;
  return html`${messages.map(
    (message) => html`<tr>
<th scope="row"><a href="${jobPath(queue, message.msgId)}">${message.msgId.toString()}</a></th>
<td><time datetime="${message.enqueuedAt.toISOString()}">${utcTime(message.enqueuedAt)}</time> <span class="age">(${relativeTime(message.enqueuedAt, content.now)})</span></td>
<td class="number">${message.readCt}</td>
<td><time datetime="${message.vt.toISOString()}">${relativeTime(message.vt, content.now)}</time></td>
<td class="number">${versionOf(message)}</td>
<td><code class="preview">${listedPayload(message)}</code></td>
</tr>`,
  )}`;
}

function pager(content: QueuePageContent, page: QueueMessagesPage): Html | "" {
  const path = queuePath(content.queue.queue);
  const first = page.messages[0];
  const last = page.messages.at(-1);
  const links = [];
  if (page.hasBefore && first !== undefined)
    links.push(
      html`<a href="${withQuery(path, { state: content.state, before: first.msgId.toString() })}" rel="prev">Previous page</a>`,
    );
  if (page.hasBefore) links.push(html`<a href="${withQuery(path, { state: content.state })}">First page</a>`);
  if (page.hasAfter && last !== undefined)
    links.push(
      html`<a href="${withQuery(path, { state: content.state, after: last.msgId.toString() })}" rel="next">Next page</a>`,
    );
  return links.length === 0 ? "" : html`<nav aria-label="Pages of messages" class="pager">${links}</nav>`;
}

function messagesSection(content: QueuePageContent): Html {
  const label = MESSAGE_STATES.find(([state]) => state === content.state)!;
  const page = content.messages;
  const body =
    page === null
      ? html`<p>No queue table yet.</p>`
      : page.messages.length === 0
        ? html`<p>No ${label[1].toLowerCase()} messages${page.hasBefore ? " on this page" : ""}.</p>`
        : html`<div class="table-wrap"><table class="messages">
<caption>${label[1]} messages: ${label[2]}. Lowest id first.</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Pushed</th><th scope="col" class="number">Attempts</th><th scope="col">Visible</th><th scope="col" class="number">Version</th><th scope="col">Payload</th></tr></thead>
<tbody>${messageRows(content, page.messages)}</tbody>
</table></div>${pager(content, page)}`;
  return html`<section aria-labelledby="messages-heading">
<h2 id="messages-heading">Messages</h2>
${stateTabs(content)}
<div id="messages" data-live>${body}</div>
<form class="find-job" method="get" action="${queuePath(content.queue.queue)}/jobs">
<label for="find-id">Find a job by id</label> <input id="find-id" name="id" inputmode="numeric" pattern="[0-9]+" required> <button type="submit">Find</button>
</form>
</section>`;
}

function chartsSection(content: QueuePageContent): Html {
  const throughput =
    content.throughput === null
      ? html`<p>No completed jobs to chart: this queue ${content.queue.onSuccess === "delete" ? "deletes its jobs when done (onSuccess: delete)" : "has no archive table"}.</p>`
      : html`<figure>${throughputChart(content.throughput, LARGE_CHART)}<figcaption>Jobs completed per minute, last hour (from the archive).</figcaption></figure>
<details><summary>Completed per minute, as a table</summary><table class="data"><thead><tr><th scope="col">Minute (UTC)</th><th scope="col" class="number">Completed</th></tr></thead><tbody>${content.throughput.map(
          (bucket) =>
            html`<tr><td><time datetime="${bucket.start.toISOString()}">${bucket.start.toISOString().slice(11, 16)}</time></td><td class="number">${bucket.count}</td></tr>`,
        )}</tbody></table></details>`;
  return html`<section id="charts" data-live aria-labelledby="charts-heading">
<h2 id="charts-heading">Last hour</h2>
${throughput}
<figure>${depthChart(content.depth, content.depthSpanMs, content.now, LARGE_CHART)}<figcaption>Depth: <span class="key key-visible">visible</span> and <span class="key key-in-flight">in flight</span>, sampled while the dashboard runs: the last hour, or since it started.</figcaption></figure>
</section>`;
}

export function queuePageContent(content: QueuePageContent): Html {
  const { queue } = content;
  const deadLetters =
    queue.deadLetter !== null
      ? html`<p><a href="${deadLettersPath(queue.queue)}">Dead letters of ${queue.queue}</a> (in ${queue.deadLetter})</p>`
      : "";
  return html`<section id="figures" data-live aria-labelledby="figures-heading">
<h2 id="figures-heading">Now</h2>
${figureList(content.status)}
${approximationNote([content.status], content.countCap)}
</section>
${deadLetters}
${chartsSection(content)}
${messagesSection(content)}`;
}

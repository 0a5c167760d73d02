/**
 * `/queues/<queue>/dead-letters`: the dead-letter browser. The queue's dead
 * letters (the rows of its dead-letter queue whose record names it), with
 * filters (reason, age), a page at a time, their reasons and payloads, and
 * the redrive and purge forms; `/queues/<queue>/dead-letters/<id>`: one
 * dead letter whole.
 */
import type { DeadLetter } from "@pgmq-gen/runtime";
import type { DashboardQueue } from "../dashboardQueues.js";
import { listedPayload, relativeTime, utcTime } from "../formatting.js";
import { type Html, html } from "../html.js";
import { deadLetterPath, deadLettersPath, queuePath, withQuery } from "../paths.js";
import { actionsUnavailable, hiddenFields } from "./actionForms.js";
import type { ActionMode } from "./layout.js";
import { storedJson } from "./storedJson.js";

/** The filter as the page's query gives it (texts as typed, so the form shows them back). */
export interface DeadLetterQuery {
  readonly reason: string;
  readonly olderThan: string;
}

export interface DeadLettersPageContent {
  readonly queue: DashboardQueue & { readonly deadLetter: string };
  readonly query: DeadLetterQuery;
  /** How many match the filter. */
  readonly matching: number;
  readonly deadLetters: readonly DeadLetter[];
  /** A page follows the last one shown. */
  readonly hasMore: boolean;
  readonly mode: ActionMode;
  readonly now: Date;
}

function filterForm(content: DeadLettersPageContent): Html {
  return html`<form method="get" action="${deadLettersPath(content.queue.queue)}" class="filters" role="search" aria-label="Filter dead letters">
<div><label for="reason">Reason contains</label> <input id="reason" name="reason" value="${content.query.reason}" maxlength="1000"></div>
<div><label for="older-than">Dead-lettered longer ago than</label> <input id="older-than" name="older-than" value="${content.query.olderThan}" placeholder="30m, 2h, 7d" aria-describedby="older-than-hint" maxlength="40"> <span id="older-than-hint" class="hint">such as 90s, 30m, 2h, 7d</span></div>
<button type="submit">Filter</button> <a href="${deadLettersPath(content.queue.queue)}">Clear</a>
</form>`;
}

function filterFields(query: DeadLetterQuery): (readonly [string, string])[] {
  return [
    ["reason", query.reason],
    ["older-than", query.olderThan],
  ];
}

function rows(content: DeadLettersPageContent, selectable: boolean): Html {
  const queue = content.queue.queue;
  return html`${content.deadLetters.map((letter) => {
    const id = letter.msgId.toString();
    const select = selectable
      ? html`<td><input type="checkbox" name="id" value="${id}" id="select-${id}" aria-label="Select dead letter ${id}"></td>`
      : "";
    return html`<tr>
${select}<th scope="row"><a href="${deadLetterPath(queue, letter.msgId)}">${id}</a></th>
<td><time datetime="${letter.deadLetteredAt.toISOString()}">${utcTime(letter.deadLetteredAt)}</time> <span class="age">(${relativeTime(letter.deadLetteredAt, content.now)})</span></td>
<td class="number">${letter.attempts ?? "-"}</td>
<td class="reason">${letter.reason === "" ? "-" : letter.reason}</td>
<td><code class="preview">${listedPayload(letter)}</code></td>
</tr>`;
  })}`;
}

function listTable(content: DeadLettersPageContent, selectable: boolean): Html {
  const select = selectable ? html`<th scope="col"><span class="visually-hidden">Select</span></th>` : "";
  return html`<div class="table-wrap"><table class="dead-letters">
<caption>Dead letters of ${content.queue.queue}, lowest id first: ids in ${content.queue.deadLetter}.</caption>
<thead><tr>${select}<th scope="col">Id</th><th scope="col">Dead-lettered</th><th scope="col" class="number">Attempts</th><th scope="col">Reason</th><th scope="col">Payload</th></tr></thead>
<tbody>${rows(content, selectable)}</tbody>
</table></div>`;
}

function pager(content: DeadLettersPageContent): Html | "" {
  const last = content.deadLetters.at(-1);
  if (!content.hasMore || last === undefined) return "";
  const query = { reason: content.query.reason, "older-than": content.query.olderThan };
  return html`<nav aria-label="Pages of dead letters" class="pager"><a href="${withQuery(deadLettersPath(content.queue.queue), { ...query, after: last.msgId.toString() })}" rel="next">Next page</a></nav>`;
}

export function deadLettersPageContent(content: DeadLettersPageContent): Html {
  const queue = content.queue.queue;
  const path = deadLettersPath(queue);
  const unavailable = actionsUnavailable(content.mode, "redrive or purge");
  const summary = html`<p id="matching" data-live><strong>${content.matching.toLocaleString("en-US")}</strong> dead letter${content.matching === 1 ? "" : "s"} of <a href="${queuePath(queue)}">${queue}</a> in ${content.queue.deadLetter}${content.query.reason !== "" || content.query.olderThan !== "" ? " match the filter" : ""}.</p>`;
  if (content.deadLetters.length === 0)
    return html`${filterForm(content)}${summary}<p>No dead letters${content.matching > 0 ? " on this page" : ""}.</p>`;
  if (unavailable !== null)
    return html`${filterForm(content)}${summary}${unavailable}${listTable(content, false)}${pager(content)}`;
  const fields = hiddenFields(filterFields(content.query));
  return html`${filterForm(content)}${summary}
<form method="post" action="${path}/redrive" class="actions">
${fields}
<fieldset><legend>Selected dead letters</legend>
<input type="hidden" name="scope" value="selected">
<button type="submit">Redrive selected</button>
<button type="submit" formaction="${path}/purge" class="danger">Purge selected</button>
</fieldset>
${listTable(content, true)}
</form>
${pager(content)}
<form method="post" action="${path}/redrive" class="actions">
${fields}
<input type="hidden" name="scope" value="matching">
<fieldset><legend>Every dead letter that matches the filter</legend>
<button type="submit">Redrive all ${content.matching.toLocaleString("en-US")}</button>
<button type="submit" formaction="${path}/purge" class="danger">Purge all ${content.matching.toLocaleString("en-US")}</button>
</fieldset>
</form>`;
}

export interface DeadLetterPageContent {
  readonly queue: DashboardQueue & { readonly deadLetter: string };
  readonly deadLetter: DeadLetter;
  readonly mode: ActionMode;
  readonly now: Date;
}

export function deadLetterPageContent(content: DeadLetterPageContent): Html {
  const { deadLetter } = content;
  const queue = content.queue.queue;
  const path = deadLettersPath(queue);
  const unavailable = actionsUnavailable(content.mode, "redrive or purge it");
  const id = deadLetter.msgId.toString();
  const actions =
    unavailable ??
    html`<form method="post" action="${path}/redrive" class="actions">
<input type="hidden" name="scope" value="selected"><input type="hidden" name="id" value="${id}">
<button type="submit">Redrive</button> <button type="submit" formaction="${path}/purge" class="danger">Purge</button>
</form>`;
  return html`<dl class="record">
<div><dt>Reason</dt><dd class="reason">${deadLetter.reason === "" ? "-" : deadLetter.reason}</dd></div>
<div><dt>Dead-lettered</dt><dd><time datetime="${deadLetter.deadLetteredAt.toISOString()}">${utcTime(deadLetter.deadLetteredAt)}</time> (${relativeTime(deadLetter.deadLetteredAt, content.now)})</dd></div>
<div><dt>Attempts</dt><dd>${deadLetter.attempts ?? "-"}</dd></div>
<div><dt>Id in ${queue} when killed</dt><dd>${deadLetter.sourceMsgId?.toString() ?? "-"}</dd></div>
<div><dt>Id in ${content.queue.deadLetter}</dt><dd>${id}</dd></div>
</dl>
${actions}
${storedJson("Payload", "payload-heading", deadLetter.message)}
${storedJson("Headers", "headers-heading", deadLetter.headers)}`;
}

/**
 * `/queues/<queue>/jobs/<id>`: where a job is (queued, delayed, in flight,
 * archived, dead-lettered), its attempts, times, headers and payload, as
 * `pgmq-gen job` prints them, and the cancel form for a job no worker holds.
 */
import type { FoundJob, JobState } from "@pgmq-gen/runtime";
import { VERSION_HEADER } from "@pgmq-gen/runtime";
import { relativeTime, utcTime } from "../formatting.js";
import { type Html, html } from "../html.js";
import { deadLetterPath, jobPath } from "../paths.js";
import { actionsUnavailable } from "./actionForms.js";
import type { ActionMode } from "./layout.js";
import { storedJson } from "./storedJson.js";

/** Each state in words, as the job page and the cancel result say it. */
export const JOB_STATES: Readonly<Record<JobState, string>> = {
  queued: "queued: visible, a worker's next read takes it",
  delayed: "delayed: pushed with a delay, not visible yet",
  in_flight: "in flight: read and not visible again yet (a worker holds it, or it waits out a retry's backoff)",
  archived: "archived: done",
  dead_lettered: "dead-lettered: killed, in the dead-letter queue",
};

export interface JobPageContent {
  readonly queue: string;
  readonly job: FoundJob;
  readonly mode: ActionMode;
  readonly now: Date;
}

function time(date: Date | null, now: Date): Html | string {
  if (date === null) return "-";
  return html`<time datetime="${date.toISOString()}">${utcTime(date)}</time> (${relativeTime(date, now)})`;
}

function cancelForm(content: JobPageContent): Html | "" {
  const { job } = content;
  if (job.state !== "queued" && job.state !== "delayed" && job.state !== "in_flight") return "";
  const unavailable = actionsUnavailable(content.mode, "cancel it");
  if (unavailable !== null) return unavailable;
  const force =
    job.state === "in_flight"
      ? html`<p><input type="checkbox" id="force" name="force" value="yes" required> <label for="force">Cancel it although a worker may hold it: its handler goes on, and its ack then finds nothing</label></p>`
      : "";
  return html`<form method="post" action="${jobPath(content.queue, job.msgId)}/cancel" class="actions">
${force}<button type="submit" class="danger">Cancel this job</button>
</form>`;
}

export function jobPageContent(content: JobPageContent): Html {
  const { job, now } = content;
  const stamp = job.headers?.[VERSION_HEADER];
  const location =
    job.state === "dead_lettered"
      ? html`<a href="${deadLetterPath(content.queue, job.location.msgId)}">${job.location.queue}, id ${job.location.msgId.toString()}</a>`
      : html`${job.location.queue}${job.state === "archived" ? " (its archive)" : ""}, id ${job.location.msgId.toString()}`;
  return html`<div id="job-record" data-live><dl class="record">
<div><dt>State</dt><dd class="state state-${job.state}">${JOB_STATES[job.state]}</dd></div>
<div><dt>Where</dt><dd>${location}</dd></div>
<div><dt>Attempts</dt><dd>${job.attempts}</dd></div>
<div><dt>${job.state === "dead_lettered" ? "Dead-lettered" : "Pushed"}</dt><dd>${time(job.enqueuedAt, now)}</dd></div>
<div><dt>Visible</dt><dd>${time(job.visibleAt, now)}</dd></div>
<div><dt>Archived</dt><dd>${time(job.archivedAt, now)}</dd></div>
<div><dt>Reason</dt><dd class="reason">${job.reason ?? "-"}</dd></div>
<div><dt>Schema version</dt><dd>${typeof stamp === "number" ? String(stamp) : "-"}</dd></div>
</dl></div>
${cancelForm(content)}
${storedJson("Payload", "payload-heading", job.message)}
${storedJson("Headers", "headers-heading", job.headers)}`;
}

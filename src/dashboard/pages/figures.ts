/**
 * The status figures as the dashboard shows them: the overview's table
 * columns and a queue page's list, both from `queueStatus`, with the same
 * marks as `pgmq-gen status` (~ estimated, + at least) explained once.
 */
import type { QueueStatus, QueueStatusFigure } from "@pgmq-gen/runtime";
import { figureText } from "../formatting.js";
import { type Html, html } from "../html.js";

/** The figures in the order of `pgmq-gen status`'s columns, with their headings. */
export const FIGURES: readonly (readonly [QueueStatusFigure, string])[] = [
  ["visible", "Visible"],
  ["inFlight", "In flight"],
  ["delayed", "Delayed"],
  ["oldestAgeSeconds", "Oldest"],
  ["deadLettered", "Dead-lettered"],
  ["archived", "Archived"],
  ["completedLastMinute", "Done 1m"],
  ["completedLastHour", "Done 1h"],
];

/** The note that explains `~` and `+`, when some figure has one. */
export function approximationNote(statuses: readonly QueueStatus[], countCap: number): Html | "" {
  if (!statuses.some((status) => Object.keys(status.approximate).length > 0)) return "";
  return html`<p class="note">~ estimated from the table statistics; + at least: each count stops at ${countCap.toLocaleString("en-US")} rows (--count-cap).</p>`;
}

/** One figure's cell text, with the accessible words for `~` and `+`. */
export function figureCell(status: QueueStatus, figure: QueueStatusFigure): Html {
  const text = figureText(status, figure);
  const approximation = status.approximate[figure];
  if (approximation === undefined) return html`${text}`;
  const words = approximation === "estimate" ? "estimated" : "at least";
  return html`<abbr title="${words}">${text}</abbr>`;
}

/** A queue's figures as a description list. */
export function figureList(status: QueueStatus): Html {
  if (!status.exists)
    return html`<p>This queue has no table yet: nothing was pushed and <code>pgmq-gen migrate</code> was not run.</p>`;
  return html`<dl class="figures">${FIGURES.map(
    ([figure, heading]) => html`<div><dt>${heading}</dt><dd>${figureCell(status, figure)}</dd></div>`,
  )}</dl>`;
}

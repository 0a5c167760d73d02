/**
 * How the dashboard writes figures, times and stored JSON: the same words
 * and marks as `pgmq-gen status` (~ estimated, + at least), times in UTC
 * with their age, and payloads pretty-printed but bounded, so one huge
 * message cannot make a page megabytes long.
 */
import type { QueueStatus, QueueStatusFigure } from "@pgmq-gen/runtime";
import { formatAge, markApproximation } from "../cli/statusCommand.js";

export { formatAge };

/** Characters of a payload or headers shown on a detail page; the rest is cut with a note. */
export const JSON_DISPLAY_LIMIT = 200_000;
/**
 * Stored bytes of a payload a listing reads whole (for its one-line
 * preview); a larger one is not read at all (`maxPayloadBytes`), and its
 * own page shows it.
 */
export const LISTED_PAYLOAD_BYTES = 16 * 1024;
/** Characters of a payload shown in a table row. */
export const JSON_PREVIEW_LIMIT = 120;

/** A status figure as the table shows it: `~N` estimated, `N+` at least, `-` when there is none. */
export function figureText(status: QueueStatus, figure: QueueStatusFigure): string {
  const value = status[figure];
  if (value === null) return "-";
  return markApproximation(
    status,
    figure,
    figure === "oldestAgeSeconds" ? formatAge(value) : value.toLocaleString("en-US"),
  );
}

/** `2026-12-01 08:30:12 UTC`. */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `3m 4s ago`, `in 20s`. */
export function relativeTime(date: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  return seconds >= 0 ? `${formatAge(seconds)} ago` : `in ${formatAge(-seconds)}`;
}

/** Stored JSON, pretty-printed; bigints as strings. */
export function prettyJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item), 2) ?? "null"
  );
}

/** `text` cut to `limit` characters, and whether it was cut. */
export function bounded(text: string, limit: number): { text: string; cut: boolean } {
  return text.length <= limit ? { text, cut: false } : { text: text.slice(0, limit), cut: true };
}

/** A payload on one line, cut to `JSON_PREVIEW_LIMIT` characters with an ellipsis. */
export function jsonPreview(value: unknown): string {
  const line =
    JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item)) ?? "null";
  const { text, cut } = bounded(line, JSON_PREVIEW_LIMIT);
  return cut ? `${text}…` : text;
}

/** `512 B`, `12.3 KB`, `4.7 MB`. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A listed payload's cell text: its preview, or why it is not shown. */
export function listedPayload(entry: { message: unknown; payloadOmitted: boolean; payloadBytes: number }): string {
  return entry.payloadOmitted ? `(${byteSize(entry.payloadBytes)} stored: open it to see)` : jsonPreview(entry.message);
}

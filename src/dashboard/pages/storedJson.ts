/**
 * A payload or headers block on a detail page: pretty-printed, cut at
 * `JSON_DISPLAY_LIMIT` characters with a note saying how much is not shown.
 */
import { bounded, JSON_DISPLAY_LIMIT, prettyJson } from "../formatting.js";
import { type Html, html } from "../html.js";

export function storedJson(heading: string, id: string, value: unknown): Html {
  const full = prettyJson(value);
  const { text, cut } = bounded(full, JSON_DISPLAY_LIMIT);
  const note = cut
    ? html`<p class="note">Cut at ${JSON_DISPLAY_LIMIT.toLocaleString("en-US")} of ${full.length.toLocaleString("en-US")} characters; <code>pgmq-gen job</code> or <code>pgmq-gen dlq show</code> print it whole.</p>`
    : "";
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${heading}</h2><pre class="json" tabindex="0">${text}</pre>${note}</section>`;
}

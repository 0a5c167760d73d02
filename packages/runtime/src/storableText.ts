/**
 * Text PostgreSQL can store. A `text` value cannot hold U+0000 (22021), and
 * `jsonb` refuses the `\u0000` escape and a lone surrogate's escape (22P05),
 * which `JSON.stringify` writes for them. The runtime puts text of its own
 * making (a killed job's reason, built from whatever a handler threw) into
 * columns and headers, so it passes through here first.
 */

/** What a NUL becomes: visible, so a reader sees that there was one. */
const NUL_ESCAPE = "\\u0000";

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A character PostgreSQL may refuse: NUL, or a surrogate (a paired one is fine; callers tell them apart). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what PostgreSQL cannot store.
export const SUSPECT_CHARACTER = /[\u0000\ud800-\udfff]/;

/**
 * `text` with every NUL written as the six characters `\u0000` and every lone
 * surrogate replaced by U+FFFD. Returns `text` itself when it needs neither
 * (the usual case, checked without allocating).
 */
export function storableText(text: string): string {
  if (!SUSPECT_CHARACTER.test(text)) return text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what PostgreSQL cannot store.
  return text.replace(/\u0000/g, NUL_ESCAPE).replace(LONE_SURROGATE, "\ufffd");
}

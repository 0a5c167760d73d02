/**
 * The schema version a message was written at: producers stamp it into the
 * message's headers, and a worker's codec reads it back to pick the schema
 * the payload is checked against (versionedDecode.ts).
 *
 * Every queue's producers stamp, versioned or not: a queue without
 * `version` is at version 1, so its messages are told apart from a later
 * version's once the queue is bumped. A message without the stamp was
 * written by another PGMQ client (or before stamping existed).
 */
import type { StorableHeaders } from "./storableJson.js";
import type { JsonValue, MessageHeaders } from "./types.js";

/** The header holding a message's schema version, a JSON number (`{ "x-pgmq-gen-version": 2 }`). */
export const VERSION_HEADER = "x-pgmq-gen-version";

/** Whether `value` is a schema version: a positive integer a JS number holds exactly. */
export function isVersionNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 1;
}

/** The stamp of a read message: undefined when it has none (headers absent, or no such key). */
export function versionStampOf(headers: MessageHeaders | null | undefined): JsonValue | undefined {
  return headers?.[VERSION_HEADER];
}

/**
 * The JSON text of a push's headers with the stamp set to `version`.
 * `headers` is what the caller gave, as its JSON text and the value that
 * text is (toStorableHeaders), or null for none. The caller's text is kept
 * byte for byte and the stamp appended, so every other header is stored
 * exactly as given; a caller's own value for the key is replaced.
 * `traceHeaders` (messageTracing.ts) are appended before the stamp, but for
 * a key the caller gave, whose value is kept.
 */
export function stampedHeadersJson(
  headers: StorableHeaders | null,
  version: number,
  traceHeaders: Readonly<Record<string, string>> | null = null,
): string {
  const traced: Record<string, string> = {};
  const entries: string[] = [];
  if (traceHeaders !== null) {
    for (const [key, value] of Object.entries(traceHeaders)) {
      if (key === VERSION_HEADER || (headers !== null && Object.hasOwn(headers.value, key))) continue;
      traced[key] = value;
      entries.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    }
  }
  entries.push(`${JSON.stringify(VERSION_HEADER)}:${version}`);
  const stamp = entries.join(",");
  if (headers === null || headers.text === "{}") return `{${stamp}}`;
  if (Object.hasOwn(headers.value, VERSION_HEADER)) {
    return JSON.stringify({ ...headers.value, ...traced, [VERSION_HEADER]: version });
  }
  // JSON.stringify wrote the text: an object's text ends with its closing brace, nothing after it.
  return `${headers.text.slice(0, -1)},${stamp}}`;
}

/**
 * The queue-name contract, written once: the config checks keys against it,
 * the model derives identifiers with it, the runtime's SQL checks every name
 * before it becomes part of a table name.
 *
 * A queue key is the PGMQ queue name, so it follows PGMQ's rule: lower-case
 * letters, digits and `_`, starting with a letter, at most 47 characters
 * (PGMQ reserves the rest of PostgreSQL's 63-byte identifiers for its
 * `q_`/`a_` prefixes and index names).
 */

export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,46}$/;

/** The rule in words, for error messages. */
export const QUEUE_NAME_RULE =
  "a PGMQ queue name: lower-case letters, digits and _, starting with a letter, at most 47 characters (^[a-z][a-z0-9_]{0,46}$)";

export function isQueueName(value: unknown): value is string {
  return typeof value === "string" && QUEUE_NAME_PATTERN.test(value);
}

/** `resize_image` -> ["resize", "image"]; empty parts (from `__`) are dropped. */
export function queueNameWords(key: string): string[] {
  return key.split("_").filter((word) => word.length > 0);
}

/**
 * `resize_image` -> `ResizeImage`: the stem of every generated identifier.
 * Empty parts are dropped, so `a_b` and `a__b` collide: the config refuses
 * such a pair.
 */
export function pascalQueueName(key: string): string {
  return queueNameWords(key)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

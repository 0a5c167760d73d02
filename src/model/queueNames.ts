/**
 * Identifiers derived from a queue key. The key is also the PGMQ queue name,
 * so it follows PGMQ's rule: lower-case letters, digits and `_`, starting with
 * a letter, at most 47 characters (PGMQ reserves the rest of the 63-byte
 * identifier for its `q_`/`a_` prefixes and index names).
 */
import type { QueueNames } from "./types.js";

export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,46}$/;

/** "resize_image" -> ["resize", "image"]; empty parts (from `__`) are dropped. */
function words(key: string): string[] {
  return key.split("_").filter((word) => word.length > 0);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Derives every generated identifier from a valid queue key. */
export function queueNames(key: string): QueueNames {
  const pascal = words(key).map(capitalize).join("");
  const camel = pascal.charAt(0).toLowerCase() + pascal.slice(1);
  return {
    pascal,
    job: `${pascal}Job`,
    producer: `${camel}Queue`,
    handler: `${pascal}Handler`,
    codec: `${camel}Codec`,
    definition: `${camel}QueueDefinition`,
    validator: `validate${pascal}Job`,
    file: words(key).join("-"),
  };
}

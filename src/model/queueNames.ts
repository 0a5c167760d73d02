/**
 * Identifiers derived from a queue key (the PGMQ queue name, see
 * `runtime/queueName.ts` for its rule).
 */
import { pascalQueueName, queueNameWords } from "@pgmq-gen/runtime/contract";
import type { QueueNames } from "./types.js";

/** Derives every generated identifier from a valid queue key. */
export function queueNames(key: string): QueueNames {
  const pascal = pascalQueueName(key);
  const camel = pascal.charAt(0).toLowerCase() + pascal.slice(1);
  return {
    pascal,
    job: `${pascal}Job`,
    producer: `${camel}Queue`,
    handler: `${pascal}Handler`,
    codec: `${camel}Codec`,
    definition: `${camel}QueueDefinition`,
    validator: `validate${pascal}Job`,
    file: queueNameWords(key).join("-"),
  };
}

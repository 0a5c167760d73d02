/**
 * `@pgmq-gen/runtime/contract`: the rules the compiler and the runtime must
 * agree on, exported for the compiler (the `pgmq-gen` package) so that each
 * is written once, here. Applications have no need for it: everything they
 * use is in the package's main entry.
 */
export {
  QUEUE_DEFAULTS,
  WORKER_DEFAULTS,
  CONNECTION_DEFAULTS,
  STATUS_DEFAULTS,
  PRUNE_DEFAULTS,
  DEFAULT_POOL_MAX,
  queueBackoff,
} from "./defaults.js";
export { QUEUE_NAME_PATTERN, QUEUE_NAME_RULE, isQueueName, queueNameWords, pascalQueueName } from "./queueName.js";
export { MAX_DATABASE_SECONDS, MAX_STATUS_COUNT_CAP, MAX_PRUNE_BATCH_SIZE, MAX_MESSAGE_ID } from "./limits.js";
export { VERSION_HEADER } from "./messageVersion.js";
export { escapePointerToken, unescapePointerToken, formatPointer } from "./jsonPointer.js";
export type { Backoff, QueueOptions } from "./types.js";

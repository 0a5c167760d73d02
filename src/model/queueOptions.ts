/**
 * A queue's options with every default applied: the values the generated
 * definition passes to the runtime. The defaults are the runtime's
 * (`QUEUE_DEFAULTS`), documented in src/config/types.ts.
 */
import { durationSeconds } from "../config/duration.js";
import type { BackoffConfig, QueueConfig } from "../config/types.js";
import { type Backoff, QUEUE_DEFAULTS, type QueueOptions } from "@pgmq-gen/runtime/contract";

const DEFAULT_EXPONENTIAL_BACKOFF = QUEUE_DEFAULTS.backoff;

function resolveBackoff(backoff: BackoffConfig | undefined): Backoff {
  if (backoff === undefined) return { ...DEFAULT_EXPONENTIAL_BACKOFF };
  if (backoff.kind === "fixed") return { kind: "fixed", delay: backoff.delay };
  return {
    kind: "exponential",
    initial: backoff.initial ?? DEFAULT_EXPONENTIAL_BACKOFF.initial,
    factor: backoff.factor ?? DEFAULT_EXPONENTIAL_BACKOFF.factor,
    max: backoff.max ?? DEFAULT_EXPONENTIAL_BACKOFF.max,
    jitter: backoff.jitter ?? DEFAULT_EXPONENTIAL_BACKOFF.jitter,
  };
}

export function queueOptions(config: QueueConfig): QueueOptions {
  const maxRetries = config.maxRetries ?? QUEUE_DEFAULTS.maxRetries;
  return {
    visibilityTimeout: config.visibilityTimeout ?? QUEUE_DEFAULTS.visibilityTimeout,
    maxRetries,
    // A queue that never retries has no use for a backoff: the definition leaves it out.
    ...(maxRetries === 0 ? {} : { backoff: resolveBackoff(config.backoff) }),
    onSuccess: config.onSuccess ?? QUEUE_DEFAULTS.onSuccess,
    deadLetter: config.deadLetter ?? QUEUE_DEFAULTS.deadLetter,
    transactional: config.transactional ?? QUEUE_DEFAULTS.transactional,
    jobTimeout: config.jobTimeout ?? QUEUE_DEFAULTS.jobTimeout,
    // Seconds, validated; a queue that keeps its archive forever (the default) leaves it out.
    ...(config.archiveRetention === undefined ? {} : { archiveRetention: durationSeconds(config.archiveRetention)! }),
  };
}

/**
 * A queue's options with every default applied: the values the generated
 * definition passes to the runtime. Defaults are those documented in
 * src/config/types.ts.
 */
import type { BackoffConfig, QueueConfig } from "../config/types.js";
import type { Backoff, QueueOptions } from "../runtime/types.js";

export const DEFAULT_EXPONENTIAL_BACKOFF = { kind: "exponential", initial: 1, factor: 2, max: 300, jitter: true } as const;

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
  return {
    visibilityTimeout: config.visibilityTimeout ?? 30,
    maxRetries: config.maxRetries ?? 5,
    backoff: resolveBackoff(config.backoff),
    onSuccess: config.onSuccess ?? "archive",
    deadLetter: config.deadLetter ?? null,
    transactional: config.transactional ?? false,
    jobTimeout: config.jobTimeout ?? null,
  };
}

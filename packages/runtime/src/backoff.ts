/**
 * How long a failed job waits before its next attempt.
 *
 * The delay is handed to PGMQ's `set_vt` as seconds. `vt` is a timestamptz,
 * so fractional seconds are kept as they are: 0.25 means a quarter second.
 */
import type { Backoff } from "./types.js";

/**
 * Seconds to wait after failed attempt number `attempt` (1 for the first delivery).
 *
 * - exponential: `min(max, initial * factor^(attempt - 1))`; with `jitter`, a
 *   uniform draw in `[0, delay]` ("full jitter"), which spreads retries of
 *   jobs that failed together (a database restart) instead of returning them
 *   all in the same instant.
 * - fixed: `delay`, every time.
 *
 * `random` returns a number in `[0, 1)`; tests pass their own. (Default: `Math.random`)
 */
export function retryDelaySeconds(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  if (backoff.kind === "fixed") return Math.max(0, backoff.delay);
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // Math.pow overflows to Infinity for large attempts; min() then clamps it to max.
  const delay = Math.max(0, Math.min(backoff.max, backoff.initial * backoff.factor ** exponent));
  return backoff.jitter ? random() * delay : delay;
}

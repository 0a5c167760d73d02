/**
 * Client-side timing of the worker's reads: wraps `PgmqClient.readWithin`
 * (the statement every worker read is) and keeps each call's duration until
 * the sampler takes them. Includes the wait for a pooled connection, which
 * pg_stat_statements' server-side figure (also sampled) does not.
 */
import { PgmqClient } from "@pgmq-gen/runtime";

export interface LatencyWindow {
  calls: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export class ReadTiming {
  #durations: number[] = [];

  /** Patches the prototype: every PgmqClient of this process is timed from now on. Returns the undo. */
  install(): () => void {
    const original = PgmqClient.prototype.readWithin;
    const durations = () => this.#durations;
    PgmqClient.prototype.readWithin = async function (this: PgmqClient, ...args) {
      const began = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        durations().push(performance.now() - began);
      }
    };
    return () => {
      PgmqClient.prototype.readWithin = original;
    };
  }

  /** The window since the last call, emptied. */
  take(): LatencyWindow {
    const sorted = this.#durations.sort((a, b) => a - b);
    this.#durations = [];
    return {
      calls: sorted.length,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted.at(-1) ?? 0,
    };
  }
}

/**
 * What the producer and the worker see of telemetry: types of our own, so
 * that no declaration reachable from the runtime's entry point names
 * `@opentelemetry/api`, which an application may not have installed (its
 * `tsc` would fail on a declaration importing a missing module).
 */
import type pg from "pg";
import type { ReadMessage } from "../pgmq.js";
import type { JsonValue } from "../types.js";

/** How an attempt ended, as `pgmq_gen.outcome`; a failed last attempt is killed. */
export type AttemptOutcome = "done" | "failed" | "killed" | "released" | "lost";

/** One traced attempt at a job: the handler runs `within` it; ended once, with its outcome. */
export interface AttemptTrace {
  within<T>(run: () => T): T;
  /** `reason`: the status's description when there is no error to record (a kill without one). */
  end(outcome: AttemptOutcome, error?: unknown, reason?: string): void;
}

/** The tracing of pushes. */
export interface PushTracing {
  /**
   * Runs `send` (one statement sending `count` messages) in a `send <queue>`
   * span, giving it the trace headers to add to every message: null when
   * the propagator writes none or `callerHeaders` already holds one of its
   * fields.
   */
  send<T>(
    queue: string,
    count: number,
    callerHeaders: Readonly<Record<string, JsonValue>> | null,
    send: (traceHeaders: Readonly<Record<string, string>> | null) => Promise<T>,
  ): Promise<T>;
}

/** A running queue-depth gauge, stopped by `close()`. */
export interface DepthWatch {
  close(): void;
}

/** A worker's spans and metrics. */
export interface WorkerTelemetry {
  startAttempt(queue: string, message: ReadMessage): AttemptTrace;
  /** A job's ack was written with `outcome`. */
  ended(queue: string, outcome: "done" | "failed" | "killed"): void;
  /** A handler ran `durationMs`; its attempt ended with `outcome`. */
  ran(queue: string, durationMs: number, outcome: AttemptOutcome): void;
  /** Starts the `pgmq_gen.queue.depth` gauge of `queues`, its status query every `intervalMs` on `pool`. */
  watchDepth(queues: readonly string[], pool: pg.Pool, intervalMs: number, onError: (error: Error) => void): DepthWatch;
}

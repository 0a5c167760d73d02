/**
 * A worker's metrics, through the OpenTelemetry metrics API:
 * - `pgmq_gen.jobs.completed`, `pgmq_gen.jobs.failed` (an attempt failed and
 *   is retried), `pgmq_gen.jobs.killed` (dead-lettered or deleted): counters,
 *   counted once the job's ack is written, as the worker's events are;
 * - `pgmq_gen.job.duration`: a histogram of handler run times in seconds,
 *   with `pgmq_gen.outcome`;
 * - `pgmq_gen.queue.depth`: an observable gauge of the messages in each
 *   queue by `pgmq_gen.state` (visible, in_flight, delayed), from
 *   `queueStatus` run when a reader collects it, at most once per `depthInterval`.
 * Each carries the queue as `messaging.destination.name`.
 *
 * The meter is taken when the worker starts: the metrics API has no proxy,
 * so a MeterProvider must be registered before then.
 */
import type { Attributes, Counter, Histogram, Meter, ObservableGauge, ObservableResult } from "@opentelemetry/api";
import type pg from "pg";
import { type QueueStatus, queueStatus } from "../queueStatus.js";
import type { AttemptOutcome, DepthWatch } from "./telemetryTypes.js";
import { INSTRUMENTATION_NAME, type OtelApiModule, RUNTIME_VERSION } from "./otelApi.js";

export class JobMetrics {
  readonly #meter: Meter;
  readonly #completed: Counter;
  readonly #failed: Counter;
  readonly #killed: Counter;
  readonly #duration: Histogram;
  /** One attributes object per queue, and per queue and outcome: the hot path allocates none. */
  readonly #attributeSets = new Map<string, Attributes>();

  constructor(api: OtelApiModule) {
    const meter = api.metrics.getMeter(INSTRUMENTATION_NAME, RUNTIME_VERSION);
    this.#meter = meter;
    const unit = "{job}";
    this.#completed = meter.createCounter("pgmq_gen.jobs.completed", {
      description: "Jobs whose handler returned, their ack written",
      unit,
    });
    this.#failed = meter.createCounter("pgmq_gen.jobs.failed", {
      description: "Attempts that failed and will be retried, their retry written",
      unit,
    });
    this.#killed = meter.createCounter("pgmq_gen.jobs.killed", {
      description: "Jobs given up (dead-lettered or deleted), their kill written",
      unit,
    });
    this.#duration = meter.createHistogram("pgmq_gen.job.duration", {
      description: "How long a job's handler ran, by outcome",
      unit: "s",
    });
  }

  #attributes(queue: string, outcome?: AttemptOutcome): Attributes {
    // A queue name has no space (queueName.ts): the key cannot be ambiguous.
    const key = outcome === undefined ? queue : `${queue} ${outcome}`;
    let attributes = this.#attributeSets.get(key);
    if (attributes === undefined) {
      attributes =
        outcome === undefined
          ? { "messaging.destination.name": queue }
          : { "messaging.destination.name": queue, "pgmq_gen.outcome": outcome };
      this.#attributeSets.set(key, attributes);
    }
    return attributes;
  }

  /** A job's ack was written with `outcome` (done, failed and retried, killed). */
  ended(queue: string, outcome: "done" | "failed" | "killed"): void {
    const counter = outcome === "done" ? this.#completed : outcome === "failed" ? this.#failed : this.#killed;
    try {
      counter.add(1, this.#attributes(queue));
    } catch {
      // An application's metrics SDK that throws costs the count, never the job's ack or its events.
    }
  }

  /** A handler ran `durationMs` and its attempt ended with `outcome`. */
  ran(queue: string, durationMs: number, outcome: AttemptOutcome): void {
    try {
      this.#duration.record(durationMs / 1000, this.#attributes(queue, outcome));
    } catch {
      // As in ended(): the job's ack is written whatever the histogram does.
    }
  }

  watchDepth(
    queues: readonly string[],
    pool: pg.Pool,
    intervalMs: number,
    onError: (error: Error) => void,
  ): DepthWatch {
    return new QueueDepthGauge(this.#meter, queues, pool, intervalMs, onError);
  }
}

/**
 * The `pgmq_gen.queue.depth` gauge of one worker's queues, read when a
 * metric reader collects it: `queueStatus` at most once per `intervalMs`
 * (collections in between report the last figures). Nothing runs on a timer,
 * so without an SDK collecting (`@opentelemetry/api` installed by another
 * package, no MeterProvider registered) no query is ever made. A query that
 * fails goes to `onError` and the previous figures are reported.
 * `close()` removes the gauge's callback.
 */
class QueueDepthGauge implements DepthWatch {
  readonly #gauge: ObservableGauge;
  #statuses: readonly QueueStatus[] = [];
  /** When the last query started (performance.now()); -Infinity before the first. */
  #readAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<void> | null = null;
  #closed = false;
  readonly #observe = async (result: ObservableResult): Promise<void> => {
    if (performance.now() - this.#readAt >= this.#intervalMs) await this.#read();
    for (const status of this.#statuses) {
      if (!status.exists) continue;
      const queue = status.queue;
      const states = [
        ["visible", status.visible],
        ["in_flight", status.inFlight],
        ["delayed", status.delayed],
      ] as const;
      for (const [state, value] of states) {
        if (value !== null) result.observe(value, { "messaging.destination.name": queue, "pgmq_gen.state": state });
      }
    }
  };

  readonly #queues: readonly string[];
  readonly #pool: pg.Pool;
  readonly #intervalMs: number;
  readonly #onError: (error: Error) => void;

  constructor(
    meter: Meter,
    queues: readonly string[],
    pool: pg.Pool,
    intervalMs: number,
    onError: (error: Error) => void,
  ) {
    this.#queues = queues;
    this.#pool = pool;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
    this.#gauge = meter.createObservableGauge("pgmq_gen.queue.depth", {
      description: "Messages in the queue by state (visible, in_flight, delayed), from the status query",
      unit: "{message}",
    });
    this.#gauge.addCallback(this.#observe);
  }

  /** One status query at a time; concurrent collections share it. Never rejects. */
  #read(): Promise<void> {
    this.#reading ??= (async () => {
      this.#readAt = performance.now();
      try {
        this.#statuses = await queueStatus(this.#queues, { db: this.#pool });
      } catch (error) {
        // After close() the application may have ended the pool: nothing to report.
        if (this.#closed) return;
        this.#onError(
          new Error(
            `pgmq-gen worker: the queue depth for metrics (pgmq_gen.queue.depth) could not be read: ${
              error instanceof Error ? error.message : String(error)
            }; the gauge keeps its last figures`,
            { cause: error },
          ),
        );
      } finally {
        this.#reading = null;
      }
    })();
    return this.#reading;
  }

  close(): void {
    this.#closed = true;
    this.#gauge.removeCallback(this.#observe);
  }
}

/**
 * Turns the user's `WorkerOptions` and the generated queue definitions into
 * the settings the worker runs with, every default applied and every number
 * checked, so a typo fails at `createQueueWorker` and not in the job loop.
 */
import { queueBackoff, WORKER_DEFAULTS } from "../defaults.js";
import { MAX_DATABASE_SECONDS } from "../limits.js";
import { checkLoggerOption, type Logger } from "../logging/logger.js";
import type { Backoff, JobContext, JobHandler, QueueDefinition, QueueWorkerOptions, WorkerOptions } from "../types.js";

/** A handler reduced to one function. */
export type HandlerFunction = (job: unknown, ctx: JobContext) => Promise<void> | void;

/** What one queue runs with. */
export interface QueueSettings {
  readonly definition: QueueDefinition<string, unknown>;
  readonly name: string;
  readonly handle: HandlerFunction;
  /** Jobs of this queue in flight at once. */
  readonly concurrency: number;
  /** Most messages per read, and most held in the prefetch buffer. */
  readonly batchSize: number;
  /** Most payload bytes (JSON text) per read, and most held (buffered and running), plus one message. */
  readonly batchBytes: number;
  /** Seconds a read hides a message; the heartbeat extends it by this much. */
  readonly visibilityTimeout: number;
  /** maxRetries + 1. */
  readonly maxAttempts: number;
  /** The definition's backoff, checked; `QUEUE_DEFAULTS.backoff` when it has none. */
  readonly backoff: Backoff;
  /** Seconds an archived row is kept, checked; null: kept forever. */
  readonly archiveRetention: number | null;
}

export interface WorkerSettings {
  readonly concurrency: number;
  /** Milliseconds. */
  readonly pollInterval: number;
  readonly listen: boolean;
  /** Milliseconds. */
  readonly shutdownTimeout: number;
  readonly handleSignals: boolean;
  /** Prune the archives of queues with an `archiveRetention`. */
  readonly pruneArchive: boolean;
  /** Milliseconds between pruning passes (before the spread). */
  readonly pruneInterval: number;
  /** As given (checked); undefined: `configure()`'s, else the stderr logger, resolved at start. */
  readonly logger: Logger | false | undefined;
  /** null: no tracing or metrics from this worker. Else the depth gauge's interval, milliseconds (0: no gauge). */
  readonly telemetry: { readonly depthIntervalMs: number } | null;
  readonly queues: readonly QueueSettings[];
}

/** The longest interval `setInterval` keeps: past it, Node fires at once. Milliseconds. */
const MAX_INTERVAL_MS = 2_147_483_647;

function telemetrySettings(value: WorkerOptions["telemetry"]): WorkerSettings["telemetry"] {
  if (value === false) return null;
  if (value !== undefined && (typeof value !== "object" || value === null)) {
    throw new TypeError("pgmq-gen worker: telemetry must be false or an object ({ depthIntervalMs })");
  }
  const interval = value?.depthIntervalMs ?? WORKER_DEFAULTS.telemetry.depthIntervalMs;
  if (!Number.isInteger(interval) || interval < 0 || interval > MAX_INTERVAL_MS) {
    throw new TypeError(
      `pgmq-gen worker: telemetry.depthIntervalMs must be an integer from 0 (no depth gauge) to ${MAX_INTERVAL_MS} ` +
        `milliseconds, got ${interval}`,
    );
  }
  return { depthIntervalMs: interval };
}

/** Definitions as generated code passes them (a record keyed by queue); an array is accepted too. */
export type QueueDefinitions =
  // biome-ignore lint/suspicious/noExplicitAny: any job type: a definition's codec is contravariant in it, so unknown would refuse every real one.
  | Readonly<Record<string, QueueDefinition<string, any>>>
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  | readonly QueueDefinition<string, any>[];

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  const resolved = value ?? fallback;
  if (!Number.isInteger(resolved) || resolved < 1) {
    throw new TypeError(`pgmq-gen worker: ${what} must be a positive integer, got ${String(value)}`);
  }
  return resolved;
}

function byteCount(value: number | undefined, fallback: number, what: string): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new TypeError(`pgmq-gen worker: ${what} must be a positive integer number of bytes, got ${String(value)}`);
  }
  return resolved;
}

function nonNegativeNumber(value: number | undefined, fallback: number, what: string): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== "number" || !Number.isFinite(resolved) || resolved < 0) {
    throw new TypeError(`pgmq-gen worker: ${what} must be a finite number >= 0, got ${String(value)}`);
  }
  return resolved;
}

function booleanOption(value: boolean | undefined, fallback: boolean, what: string): boolean {
  const resolved = value ?? fallback;
  if (typeof resolved !== "boolean") {
    throw new TypeError(`pgmq-gen worker: ${what} must be true or false, got ${String(value)}`);
  }
  return resolved;
}

function positiveNumber(value: number | undefined, fallback: number, what: string): number {
  const resolved = nonNegativeNumber(value, fallback, what);
  if (resolved === 0) throw new TypeError(`pgmq-gen worker: ${what} must be greater than 0`);
  return resolved;
}

/** Seconds that go into a PostgreSQL interval: finite, in range, at most `MAX_DATABASE_SECONDS`. */
function databaseSeconds(value: number, what: string, { positive }: { positive: boolean }): number {
  const resolved = positive ? positiveNumber(value, value, what) : nonNegativeNumber(value, value, what);
  if (resolved > MAX_DATABASE_SECONDS) {
    throw new TypeError(
      `pgmq-gen worker: ${what} must be at most ${MAX_DATABASE_SECONDS} seconds (31.7 years), got ${value}: ` +
        "PostgreSQL cannot add a much longer interval to a timestamp",
    );
  }
  return resolved;
}

/**
 * A visibility timeout: whole seconds >= 1, the compiler's rule (PGMQ's is in
 * integer seconds). A fraction would run the heartbeat faster than its own
 * statements can return, and a message could be read again mid-job.
 */
function visibilityTimeoutSeconds(value: number, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`pgmq-gen worker: ${what} must be a positive whole number of seconds, got ${String(value)}`);
  }
  return databaseSeconds(value, what, { positive: true });
}

/** A generated definition's backoff, checked: its delays go into set_vt's interval. */
function checkBackoff(queue: string, backoff: Backoff): void {
  const what = `queue "${queue}": backoff`;
  if (backoff.kind === "fixed") {
    databaseSeconds(backoff.delay, `${what}.delay`, { positive: false });
    return;
  }
  nonNegativeNumber(backoff.initial, backoff.initial, `${what}.initial`);
  nonNegativeNumber(backoff.factor, backoff.factor, `${what}.factor`);
  databaseSeconds(backoff.max, `${what}.max`, { positive: false });
}

/** A generated definition's archiveRetention: null or absent, or seconds > 0 that go into an interval. */
function checkArchiveRetention(queue: string, retention: number | null | undefined): number | null {
  if (retention === undefined || retention === null) return null;
  return databaseSeconds(retention, `queue "${queue}": archiveRetention`, { positive: true });
}

/** A generated definition's jobTimeout: null, or seconds > 0 (any length: it is a long timer, not an interval). */
function checkJobTimeout(queue: string, jobTimeout: number | null): void {
  if (jobTimeout !== null) positiveNumber(jobTimeout, jobTimeout, `queue "${queue}": jobTimeout`);
}

function handlerFunction(queue: string, handler: unknown): HandlerFunction {
  if (typeof handler === "function") return handler as HandlerFunction;
  if (
    typeof handler === "object" &&
    handler !== null &&
    typeof (handler as { handle?: unknown }).handle === "function"
  ) {
    const object = handler as { handle: HandlerFunction };
    // Called as a method, so a class-based handler keeps its `this`.
    return (job, ctx) => object.handle(job, ctx);
  }
  throw new TypeError(
    `pgmq-gen worker: the handler of queue "${queue}" must be a function or an object with a handle(job, ctx) method`,
  );
}

/**
 * The queues a worker runs are those it has a handler for: generated code
 * passes every definition of the project and the handlers of the subset this
 * process runs.
 */
export function resolveWorkerSettings(
  definitions: QueueDefinitions,
  handlers: object,
  options: WorkerOptions = {},
): WorkerSettings {
  const list: QueueDefinition<string, unknown>[] = Array.isArray(definitions)
    ? [...(definitions as readonly QueueDefinition<string, unknown>[])]
    : Object.values(definitions as Record<string, QueueDefinition<string, unknown>>);
  const byName = new Map(list.map((definition) => [definition.name, definition]));
  if (byName.size !== list.length) throw new TypeError("pgmq-gen worker: a queue definition is given twice");

  const handlerRecord = handlers as Record<string, JobHandler<unknown> | undefined>;
  const handled = Object.keys(handlerRecord).filter((key) => handlerRecord[key] !== undefined);
  for (const key of handled) {
    if (!byName.has(key)) {
      // The compiler refuses such a key in a typed call, so here the generated code is older than the config
      // (or the types were bypassed): name the command that regenerates it.
      throw new TypeError(
        `pgmq-gen worker: a handler is given for queue "${key}", which has no queue definition ` +
          `(the generated queues are ${[...byName.keys()].join(", ")}); if "${key}" is in your pgmq config, ` +
          "run `npx pgmq-gen` to regenerate, then restart",
      );
    }
  }
  if (handled.length === 0) {
    throw new TypeError(
      `pgmq-gen worker: no handlers given: pass one for each queue this worker runs (${[...byName.keys()].join(", ")})`,
    );
  }
  const overrides = (options.queues ?? {}) as Record<string, QueueWorkerOptions | undefined>;
  for (const key of Object.keys(overrides)) {
    if (!handled.includes(key)) {
      throw new TypeError(`pgmq-gen worker: options.queues names queue "${key}", which this worker has no handler for`);
    }
  }

  const concurrency = positiveInteger(options.concurrency, WORKER_DEFAULTS.concurrency, "concurrency");
  // 500 makes a read of fast jobs cost ~0.2% of a transaction per job (reads of `concurrency` cost
  // 1/concurrency each). It is a cap, not what a worker holds: PrefetchTarget buffers ~100 ms of work
  // (more while slow reads keep slots waiting), so slow jobs are read as slots free up. At least
  // `concurrency`, so every slot can fill.
  const batchSize = positiveInteger(options.batchSize, Math.max(concurrency, WORKER_DEFAULTS.batchSize), "batchSize");
  const batchBytes = byteCount(options.batchBytes, WORKER_DEFAULTS.batchBytes, "batchBytes");
  const queues = handled.map((name): QueueSettings => {
    const definition = byName.get(name)!;
    const override: QueueWorkerOptions = overrides[name] ?? {};
    const backoff = queueBackoff(definition.options);
    checkBackoff(name, backoff);
    checkJobTimeout(name, definition.options.jobTimeout);
    // A queue's share can never exceed the process's total.
    const queueConcurrency = Math.min(
      concurrency,
      positiveInteger(override.concurrency, concurrency, `queues.${name}.concurrency`),
    );
    return {
      definition,
      name,
      handle: handlerFunction(name, handlerRecord[name]),
      concurrency: queueConcurrency,
      batchSize: positiveInteger(override.batchSize, batchSize, `queues.${name}.batchSize`),
      batchBytes: byteCount(override.batchBytes, batchBytes, `queues.${name}.batchBytes`),
      visibilityTimeout: visibilityTimeoutSeconds(
        override.visibilityTimeout ?? definition.options.visibilityTimeout,
        `queues.${name}.visibilityTimeout`,
      ),
      maxAttempts: definition.options.maxRetries + 1,
      backoff,
      archiveRetention: checkArchiveRetention(name, definition.options.archiveRetention),
    };
  });

  return {
    concurrency,
    pollInterval: positiveNumber(options.pollInterval, WORKER_DEFAULTS.pollInterval, "pollInterval"),
    listen: options.listen ?? WORKER_DEFAULTS.listen,
    shutdownTimeout: nonNegativeNumber(options.shutdownTimeout, WORKER_DEFAULTS.shutdownTimeout, "shutdownTimeout"),
    handleSignals: options.handleSignals ?? WORKER_DEFAULTS.handleSignals,
    pruneArchive: booleanOption(options.pruneArchive, WORKER_DEFAULTS.pruneArchive, "pruneArchive"),
    pruneInterval: positiveNumber(options.pruneInterval, WORKER_DEFAULTS.pruneInterval, "pruneInterval"),
    logger: checkLoggerOption(options.logger, "worker"),
    telemetry: telemetrySettings(options.telemetry),
    queues,
  };
}

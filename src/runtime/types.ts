/**
 * The contract between generated code and the runtime.
 *
 * Generated modules hold data and types only: a queue's name, its resolved
 * options and its codec (validator + encode/decode). Everything that talks to
 * PostgreSQL lives in the runtime and is typed here.
 *
 * Glossary:
 * - message: a row of `pgmq.q_<queue>`; its `message` column holds the encoded job.
 * - job: the decoded, validated payload a handler receives.
 * - attempt: PGMQ's `read_ct` for the current delivery (the first delivery is attempt 1).
 * - done / failed / killed: the three ways a delivery ends (archive or delete; retry later; dead-letter or delete).
 */
import type pg from "pg";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** PGMQ message headers: any JSON object. */
export type MessageHeaders = { [key: string]: JsonValue };

/** Resolved backoff, every default applied. Delays in seconds. */
export type Backoff =
  | { kind: "exponential"; initial: number; factor: number; max: number; jitter: boolean }
  | { kind: "fixed"; delay: number };

/** A queue's options as the generated code passes them to the runtime, every default applied. */
export interface QueueOptions {
  /** Seconds a read message stays invisible to other readers. */
  readonly visibilityTimeout: number;
  /** Retries after the first attempt; attempts = maxRetries + 1. */
  readonly maxRetries: number;
  readonly backoff: Backoff;
  readonly onSuccess: "archive" | "delete";
  /** Queue that receives killed messages; null deletes them. */
  readonly deadLetter: string | null;
  /** Whether the handler runs inside the transaction that acks its message. */
  readonly transactional: boolean;
  /** Seconds before a running handler's signal aborts; null for no limit. */
  readonly jobTimeout: number | null;
}

/** One reason a value does not match a queue's schema. */
export interface ValidationIssue {
  /** JSON pointer of the offending value inside the payload ("" for the payload itself). */
  readonly pointer: string;
  /** What is wrong, in words ("must have required property 'to'"). */
  readonly message: string;
  /** The JSON Schema keyword that failed ("required", "enum", ...). */
  readonly keyword: string;
}

/** Subset of an ajv error object that the runtime reads. */
export interface CompiledValidatorError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** An ajv standalone validate function, compiled ahead of time by `pgmq-gen`. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: CompiledValidatorError[] | null;
}

/**
 * A user codec module (`codec` in the queue config): turns the validated
 * payload into the JSON value stored in `message` and back.
 */
export interface PayloadTransform {
  encode(payload: JsonValue): JsonValue;
  decode(stored: JsonValue): JsonValue;
}

/** Validates, encodes and decodes one queue's jobs. */
export interface QueueCodec<TJob> {
  readonly queue: string;
  /** The failures of `value` against the queue's schema; empty when it is a valid job. */
  validate(value: unknown): ValidationIssue[];
  /** Whether `value` is a valid job. */
  is(value: unknown): value is TJob;
  /** Validates a job and turns it into the stored JSON value; throws `ValidationError`. */
  encode(job: TJob): JsonValue;
  /** Turns a stored JSON value back into a validated job; throws `DecodeError`. */
  decode(stored: unknown): TJob;
}

/** A queue as the generated code declares it: name, options, codec. */
export interface QueueDefinition<TName extends string = string, TJob = unknown> {
  readonly name: TName;
  readonly options: QueueOptions;
  readonly codec: QueueCodec<TJob>;
}

/** Per-push options. */
export interface PushOptions {
  /** Seconds before the job becomes visible, or the moment it does. (Default: 0) */
  delay?: number | Date;
  /** Headers stored with the message (`headers` column). (Default: none) */
  headers?: MessageHeaders;
  /**
   * A `pg` client inside the caller's open transaction: the push commits or
   * rolls back with the caller's work. (Default: the shared pool)
   */
  client?: pg.ClientBase;
}

/** A typed producer for one queue (`emailQueue`). */
export interface Producer<TJob> {
  readonly queue: string;
  /** Validates, encodes and sends one job; resolves to its PGMQ message id. */
  push(job: TJob, options?: PushOptions): Promise<bigint>;
  /** Validates every job first, then sends them all in one statement: all or none. */
  pushBatch(jobs: readonly TJob[], options?: PushOptions): Promise<bigint[]>;
}

/** What a handler learns about the message it runs. */
export interface JobContext {
  readonly queue: string;
  /** PGMQ message id. */
  readonly msgId: bigint;
  /** This delivery's number, from PGMQ's `read_ct` (1 on the first delivery). */
  readonly attempt: number;
  /** maxRetries + 1. */
  readonly maxAttempts: number;
  readonly enqueuedAt: Date;
  readonly headers: MessageHeaders | null;
  /**
   * Aborts when the job times out or the worker is stopping. Made on first
   * read (most handlers never look at it, and an `AbortController` per job
   * is costly), so it is an accessor: a spread copy of the context
   * (`{ ...ctx }`) does not carry it; pass `ctx` itself or `ctx.signal`.
   */
  readonly signal: AbortSignal;
}

/** The context of a `transactional: true` queue's handler. */
export interface TransactionalJobContext extends JobContext {
  /**
   * A client inside the transaction that also acks this message: the
   * handler's writes and the ack commit together or not at all. Do not
   * commit or roll back yourself; throw to roll back.
   */
  readonly client: pg.ClientBase;
}

/** A handler as a plain function. */
export type JobHandlerFunction<TJob, TContext extends JobContext = JobContext> = (
  job: TJob,
  ctx: TContext,
) => Promise<void> | void;

/**
 * A handler as an object. `handle` is declared as a property, not a method,
 * so TypeScript checks its parameter strictly: a handler written for another
 * queue's payload does not compile.
 */
export interface JobHandlerObject<TJob, TContext extends JobContext = JobContext> {
  handle: JobHandlerFunction<TJob, TContext>;
}

export type JobHandler<TJob, TContext extends JobContext = JobContext> =
  | JobHandlerFunction<TJob, TContext>
  | JobHandlerObject<TJob, TContext>;

/** Options a worker may set for one of its queues. */
export interface QueueWorkerOptions {
  /** Jobs of this queue in flight at once. (Default: the worker's `concurrency`) */
  concurrency?: number;
  /** Messages fetched per read. (Default: the worker's `batchSize`) */
  batchSize?: number;
  /** Bytes of payload one read takes and this queue holds at once. (Default: the worker's `batchBytes`) */
  batchBytes?: number;
  /** Overrides the queue's configured visibility timeout, in seconds. */
  visibilityTimeout?: number;
}

export interface WorkerOptions<TQueue extends string = string> {
  /** Pool to use. (Default: the shared pool, from `configure()` or `DATABASE_URL`) */
  pool?: pg.Pool;
  /** Jobs in flight at once in this process, over all its queues. (Default: 10) */
  concurrency?: number;
  /**
   * Most messages fetched by one read, and most held per queue in a local
   * prefetch buffer waiting for a free slot (kept hidden by the heartbeat,
   * released at once on `stop()`). Within it the buffer holds the free
   * slots plus about 100 ms of work at the rate jobs have been starting: no
   * more than the free slots for slow jobs, up to `batchSize` for fast ones.
   * (Default: the larger of `concurrency` and 500)
   */
  batchSize?: number;
  /**
   * Bytes of payload (message and headers, measured as their JSON text)
   * that one read takes and that a queue holds at once, buffered and
   * running: a read stops taking messages once those before reach it, and
   * no read starts while the queue's held messages reach it. The first
   * message is always taken, so a queue holds at most `batchBytes` plus one
   * message. A payload over 1 MiB (or over `batchBytes`, if smaller) is
   * fetched on its own after its read is committed, so a message that
   * crashes its worker in transit (one too big for the heap) still counts
   * an attempt each time, and once past `maxRetries + 1` it is killed
   * (dead-lettered) without being fetched. In memory a payload takes about
   * two to three times its text size while it is parsed.
   * (Default: 16777216, 16 MiB)
   */
  batchBytes?: number;
  /** Milliseconds between polls when no notification arrives. (Default: 1000) */
  pollInterval?: number;
  /** Wake on LISTEN/NOTIFY when a job is pushed. (Default: true) */
  listen?: boolean;
  /** Milliseconds `stop()` waits for in-flight jobs before aborting their signals. (Default: 30000) */
  shutdownTimeout?: number;
  /** Stop gracefully on SIGINT and SIGTERM. (Default: false) */
  handleSignals?: boolean;
  /** Per-queue overrides. */
  queues?: { [K in TQueue]?: QueueWorkerOptions };
}

/** Events a worker emits, for logging and metrics. */
export interface WorkerEvents {
  "job:start": [event: JobEvent];
  "job:complete": [event: JobEvent & { durationMs: number }];
  "job:fail": [event: JobEvent & { error: unknown; retryInSeconds: number }];
  "job:kill": [event: JobEvent & { reason: string; error?: unknown; deadLetter: string | null }];
  error: [error: unknown];
}

export interface JobEvent {
  readonly queue: string;
  readonly msgId: bigint;
  readonly attempt: number;
}

export interface Worker {
  /** Creates missing queues (unless disabled), starts listening and polling. */
  start(): Promise<void>;
  /** Stops reading, waits for in-flight jobs (up to `shutdownTimeout`), releases prefetched messages. */
  stop(): Promise<void>;
  on<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this;
  off<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this;
}

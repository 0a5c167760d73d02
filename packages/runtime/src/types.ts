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
import type { CancelResult } from "./jobs.js";
import type { Logger } from "./logging/logger.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** PGMQ message headers: any JSON object. */
export type MessageHeaders = { [key: string]: JsonValue };

/** Resolved backoff, every default applied. Delays in seconds. */
export type Backoff =
  | { kind: "exponential"; initial: number; factor: number; max: number; jitter: boolean }
  | { kind: "fixed"; delay: number };

/** A queue's options as the generated code passes them to the runtime, every default applied. */
export interface QueueOptions {
  /**
   * Seconds a read message stays invisible to other workers. While a handler
   * runs, a heartbeat extends it (at half the timeout, by the full timeout),
   * but the heartbeat is a timer on the event loop: a handler that blocks the
   * loop (synchronous, CPU-bound work) longer than about half this timeout
   * lets the message reappear, and another worker may run the same job at the
   * same time. The first run to finish acks it (archived once): its worker
   * sends that ack before it starts another handler (if the queue's previous
   * ack statement has not returned yet, in the first turn of the event loop
   * that reads its reply) and never runs the job again. Another worker may
   * still run it while it runs, or start it after it finished when its read
   * reached the database before the ack; those runs' acks match nothing and
   * are reported as `AckLostError`, and the worker reports
   * `LeaseExpiredWarning` naming the job and the blocked time. Set it
   * above the longest time a handler blocks the event loop, or move CPU-bound
   * work to a worker thread (`node:worker_threads`).
   */
  readonly visibilityTimeout: number;
  /** Retries after the first attempt; attempts = maxRetries + 1. */
  readonly maxRetries: number;
  /**
   * How retries are spaced. Generated definitions leave it out when
   * `maxRetries` is 0: no attempt is retried, so no backoff can apply. A
   * definition that retries without one uses `QUEUE_DEFAULTS.backoff`.
   */
  readonly backoff?: Backoff;
  readonly onSuccess: "archive" | "delete";
  /** Queue that receives killed messages; null deletes them. */
  readonly deadLetter: string | null;
  /**
   * The handler runs inside the transaction that acks its message: its
   * writes and the archive (or delete) commit together or not at all, and
   * when two runs of a job overlap (see `visibilityTimeout`), only one can
   * commit. A lost connection is not the handler's failure: when the
   * transaction's connection dies (the client reports an error, or its
   * ROLLBACK fails for a lost connection, or no connection or BEGIN could be
   * had), the transaction is gone, and the message is released at once with
   * its attempt given back (`read_ct - 1`), so even `maxRetries: 0` runs it
   * again. Where "nothing lost" does not hold: that release goes through the
   * pool and is retried until the message's visibility timeout; if the
   * database stays unreachable until then, the message reappears with the
   * attempt counted, and with no attempts left it is killed (dead-lettered, or
   * deleted without a dead-letter queue) without running. If the connection
   * dies during COMMIT, the worker cannot tell whether it committed: the
   * release then matches nothing when it did, and is reported (`AckLostError`).
   */
  readonly transactional: boolean;
  /** Seconds before a running handler's signal aborts, any length; null for no limit. */
  readonly jobTimeout: number | null;
  /**
   * Seconds an archived row is kept: workers running the queue delete rows
   * of `pgmq.a_<queue>` archived longer ago than this, every
   * `WorkerOptions.pruneInterval` (see `pruneArchive`). Null or absent:
   * kept forever, as PGMQ keeps them. Generated definitions leave it out
   * when the config sets none. At most `MAX_DATABASE_SECONDS`.
   */
  readonly archiveRetention?: number | null;
}

/** One reason a value does not match a queue's schema. */
export interface ValidationIssue {
  /**
   * JSON pointer of the offending value inside the payload ("" for the
   * payload itself); for a push's headers, `headers` followed by the pointer
   * inside them (`headers/traceId`).
   */
  readonly pointer: string;
  /** What is wrong, in words ("must have required property 'to'"). */
  readonly message: string;
  /**
   * The JSON Schema keyword that failed ("required", "enum", ...), or
   * "json" when the value cannot be stored as JSON at all (see `Producer.push`).
   */
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
 * A generated queue's validator (`validateEmailJob`): a `CompiledValidator`
 * that is also a type guard, so a value it accepts is the queue's job.
 */
export interface JobValidator<TJob> extends CompiledValidator {
  (data: unknown): data is TJob;
}

/**
 * A user codec module (`codec` in the queue config): turns the validated
 * payload into the JSON value stored in `message` and back.
 */
export interface PayloadTransform {
  encode(payload: JsonValue): JsonValue;
  decode(stored: JsonValue): JsonValue;
}

/** A job ready to store: the exact JSON text sent to PostgreSQL and the value that text is. */
export interface EncodedJob {
  /** The text stored in `message`, byte for byte. */
  readonly json: string;
  /** `JSON.parse(json)`. */
  readonly value: JsonValue;
}

/** Validates, encodes and decodes one queue's jobs. */
export interface QueueCodec<TJob> {
  readonly queue: string;
  /** The schema version of the queue's jobs, which producers stamp into each message's headers (`VERSION_HEADER`). */
  readonly version: number;
  /** The failures of `value` against the queue's schema; empty when it is a valid job. */
  validate(value: unknown): ValidationIssue[];
  /** Whether `value` is a valid job. */
  is(value: unknown): value is TJob;
  /**
   * Turns a job into its JSON form (as `JSON.stringify` does: `toJSON`
   * honoured, `undefined` properties dropped), validates that form, and
   * returns the JSON stored (the transform's output, when the queue has
   * one). Throws `ValidationError`, also for what JSON or PostgreSQL cannot
   * store (see `Producer.push`).
   */
  encodeJson(job: TJob): EncodedJob;
  /** `encodeJson(job).value`: the stored JSON value. */
  encode(job: TJob): JsonValue;
  /**
   * Turns a stored JSON value back into a validated job of the current
   * version. `headers` are the message's: their version stamp picks the
   * schema the payload is checked against, and a job of a previous version
   * is upgraded (without headers, or without the stamp, the current schema
   * is tried first, then each previous one, newest first). Throws
   * `DecodeError` when no retry can help (the payload does not match its
   * version's schema, or the version is retired or not a version), and
   * `UpgradeError` or `NewerVersionError` when a fixed upgrade or a newer
   * worker could (see `QueueCodecOptions`).
   */
  decode(stored: unknown, headers?: MessageHeaders | null): TJob;
}

/** A queue as the generated code declares it: name, options, codec. */
export interface QueueDefinition<TName extends string = string, TJob = unknown> {
  readonly name: TName;
  readonly options: QueueOptions;
  readonly codec: QueueCodec<TJob>;
}

/** Per-push options. */
export interface PushOptions {
  /**
   * Seconds before the job becomes visible, or the moment it does. The
   * moment must fall inside PostgreSQL's timestamptz range, with a day off
   * each end (4714-11-25 BC to 294276 AD): anything else, like a negative or
   * non-finite number or an invalid Date, is a `RangeError` ("delay: ...")
   * and nothing is sent. (Default: 0)
   */
  delay?: number | Date;
  /**
   * A JSON object stored with the message (`headers` column); null or
   * absent for none. Anything else (a string, a number, an array, a Date)
   * is a `ValidationError`, and the headers are checked like the job (see
   * `Producer.push`), with pointers such as `headers/traceId`. The producer
   * adds `"x-pgmq-gen-version"` (`VERSION_HEADER`), the queue's schema
   * version, to the headers of every message: a value given for that key is
   * replaced; every other header is stored as given. (On a table made by
   * PGMQ before 1.5, which has no headers column, the stamp alone is left
   * out.) (Default: none: the headers are the version stamp alone)
   */
  headers?: MessageHeaders | null;
  /**
   * A `pg` client inside the caller's open transaction: the push commits or
   * rolls back with the caller's work. A queue not created yet is looked up
   * on this client and, when missing, created on a short-lived connection
   * of its own (outside the caller's transaction, not taken from the pool):
   * a push never waits for a pool connection while the caller holds one.
   * (Default: the shared pool)
   */
  client?: pg.ClientBase;
}

/**
 * A typed producer for one queue (`emailQueue`): each generated queue module
 * exports one, and its doc links here.
 *
 * - `push(job, options?)` validates the job against its schema, encodes it
 *   and sends one message; it resolves to the PGMQ message id.
 * - `pushBatch(jobs, options?)` validates every job first, then sends them
 *   all in one statement: all or none.
 *
 * Both take {@link PushOptions}: `delay` (seconds, or the `Date` at which the
 * job becomes visible), `headers` (a JSON object stored in the message's
 * `headers` column) and `client` (a `pg` client inside your open transaction,
 * so the push commits or rolls back with your own writes).
 *
 * Both throw `ValidationError` (listing each failing JSON pointer) before
 * anything is sent when a job does not match the schema.
 *
 * @example
 * const msgId = await emailQueue.push(job, { delay: 60 });
 */
export interface Producer<TJob> {
  readonly queue: string;
  /**
   * Validates, encodes and sends one job; resolves to its PGMQ message id.
   *
   * What is validated and stored is the job's JSON form (what
   * `JSON.stringify` writes), and the handler receives that form, so JSON's
   * own conversions apply before the schema sees the job: `toJSON()` is
   * honoured (a `Date` becomes its ISO string, a class instance whatever
   * its `toJSON` returns), properties whose value is `undefined`, a function
   * or a symbol are dropped (in an array they become `null`), `NaN` and
   * `±Infinity` become `null`, and `-0` becomes `0`.
   *
   * Refused before anything is sent, with a `ValidationError` naming the
   * JSON pointer (keyword `json`): a string or key holding U+0000 (NUL) or
   * a lone UTF-16 surrogate (PostgreSQL's `jsonb` stores neither), a
   * `BigInt`, a circular reference, and nesting deeper than 1000 arrays and
   * objects (`MAX_JSON_DEPTH`, the root counting as one).
   */
  push(job: TJob, options?: PushOptions): Promise<bigint>;
  /**
   * Validates every job first, each as `push` does, then sends them all in
   * one statement: all or none. The `ValidationError` names each failing
   * job's index (`jobs`, and pointers like `/3/to`); a hole in a sparse
   * array (`[, job]`) is one such failure.
   */
  pushBatch(jobs: readonly TJob[], options?: PushOptions): Promise<bigint[]>;
  /**
   * Takes job `msgId` back before a worker runs it: deletes it while it is
   * queued or delayed (`cancelJob`). One in flight is left alone (its
   * handler may be running); the result then says where it is. Never
   * creates the queue.
   */
  cancel(msgId: bigint, options?: CancelOptions): Promise<CancelResult>;
}

/** Options of a producer's `cancel`. */
export interface CancelOptions {
  /** Run on this client (e.g. inside the caller's transaction). (Default: the shared pool) */
  client?: pg.ClientBase;
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
  /**
   * The message's headers as stored, with the version stamp it was written
   * with (`VERSION_HEADER`), even when the job was upgraded to the current version.
   */
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

/**
 * A handler as a plain function: the job, decoded and validated, and its
 * context. See {@link JobHandler} for how its outcome decides the job's fate.
 */
export type JobHandlerFunction<TJob, TContext extends JobContext = JobContext> = (
  job: TJob,
  ctx: TContext,
) => Promise<void> | void;

/**
 * A handler as an object: implement `handle`. `handle` is declared as a
 * property, not a method, so TypeScript checks its parameter strictly: a
 * handler written for another queue's payload does not compile. See
 * {@link JobHandler} for how its outcome decides the job's fate.
 */
export interface JobHandlerObject<TJob, TContext extends JobContext = JobContext> {
  handle: JobHandlerFunction<TJob, TContext>;
}

/**
 * Handles one job, as an object with `handle` or as a plain function of the
 * same shape; each generated queue module names both (`EmailHandler`,
 * `EmailHandlerFunction`) and says what its queue's options do with a job.
 *
 * - Return (or resolve) and the job is done: archived or deleted, as the
 *   queue's `onSuccess` says.
 * - Throw and the attempt fails: the job is retried after the queue's backoff
 *   while attempts are left, then killed (moved to the dead-letter queue, or
 *   deleted).
 * - Throw `UnrecoverableError` to kill the job at once; a job that cannot be
 *   decoded is killed too. A message of an older schema version is
 *   upgraded before the handler sees it; an upgrade that fails
 *   (`UpgradeError`), or a message of a newer version than the worker's
 *   that its schema rejects (`NewerVersionError`), fails the attempt as a
 *   throwing handler does.
 * - `ctx.attempt` is this delivery's number (1 on the first); `ctx.signal`
 *   aborts when the job times out or the worker is stopping.
 */
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
  /**
   * Overrides the queue's configured visibility timeout, in whole seconds
   * from 1 (the config's rule) to 10^9 (PostgreSQL adds it to a timestamp). A handler that blocks the event
   * loop longer than about half of it may see its job run by another worker
   * at the same time (see `QueueOptions.visibilityTimeout`).
   * (Default: the queue's `visibilityTimeout`)
   */
  visibilityTimeout?: number;
}

export interface WorkerOptions<TQueue extends string = string> {
  /**
   * Pool to use. Each running job of a `transactional: true` queue holds one
   * of its connections for the whole job, so with transactional queues its
   * `max` must be at least their concurrency + 2, counting every worker of the
   * process running on the same pool, else `start()` fails saying what to
   * raise or lower. The pool the runtime creates grows by the transactional
   * concurrency while the worker runs. (Default: the shared
   * pool, from `configure()` or `DATABASE_URL`)
   */
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
  /** Milliseconds between polls when no notification arrives; any length (past 2^31 ms too). (Default: 1000) */
  pollInterval?: number;
  /** Wake on LISTEN/NOTIFY when a job is pushed. (Default: true) */
  listen?: boolean;
  /**
   * Milliseconds `stop()` waits for in-flight jobs before aborting their
   * signals; any length (past 2^31 ms too). After the abort, handlers get 2 s
   * more to return and acks are written in that time, so `stop()` resolves
   * within `shutdownTimeout` + 2000 ms of being called whatever its handlers
   * do: a handler that ignores its signal is left behind, and its message
   * reappears after its visibility timeout (when it returns, it is reported
   * once as `AckLostError` with reason `workerStopped` and nothing is written,
   * so closing the pool after `stop()` is safe). (Default: 30000)
   */
  shutdownTimeout?: number;
  /** Stop gracefully on SIGINT and SIGTERM. (Default: false) */
  handleSignals?: boolean;
  /**
   * Prune the archive of each queue this worker runs whose definition has an
   * `archiveRetention`: every `pruneInterval` (the first pass within 10 s of
   * `start()`), delete its archived rows older than the retention in
   * batches of 1000 (`pruneArchive`). One pruner per queue at a time across
   * every process: a worker that finds another pruning skips that pass.
   * Failures are reported on `error` and retried at the next pass. `false`
   * for teams that prune from cron with `pgmq-gen prune`. (Default: true)
   */
  pruneArchive?: boolean;
  /**
   * Milliseconds between a queue's pruning passes, each spread by ±10% so
   * workers started together do not prune in step; any length (past 2^31 ms
   * too). (Default: 60000)
   */
  pruneInterval?: number;
  /**
   * Where the worker logs what a person running it must see: started
   * (queues, concurrency, database; never a password), each failed attempt
   * (attempt n of m, the error, when it is retried), each kill or
   * dead-letter, each message that could not be decoded (its first schema
   * failure with the JSON pointer), a lost connection (once per outage) and
   * its return, stopping and stopped. One line per event, the structured
   * fields first (`err` holds the error): pino writes JSON lines, console
   * prints both. `false`: nothing is logged (the events still fire).
   * (Default: the logger given to `configure()`, else concise lines on
   * stderr at level info, see `createStderrLogger`)
   */
  logger?: Logger | false;
  /**
   * OpenTelemetry, when `@opentelemetry/api` is installed (see
   * docs/operations.md, "Tracing and metrics"): each attempt runs in a `process <queue>` span, and
   * the worker records job counters, a duration histogram and a queue depth
   * gauge. `false`: none of it from this worker. `depthIntervalMs`: the
   * gauge's status query runs when a metric reader collects it, at most once
   * per this many milliseconds (never on a timer); 0 for no gauge.
   * Without the package, or with `configure({ telemetry: false })`, nothing
   * is loaded or recorded. (Default: `{ depthIntervalMs: 15000 }`)
   */
  telemetry?: false | { depthIntervalMs?: number };
  /** Per-queue overrides. */
  queues?: { [K in TQueue]?: QueueWorkerOptions };
}

/**
 * Events a worker emits, for logging and metrics. `job:complete`, `job:fail`
 * and `job:kill` are emitted once the job's ack is written; an ack that is
 * not (its delivery no longer held the message, or the database stayed
 * unreachable until the message's visibility timeout) is reported on `error`
 * as `AckLostError` instead, and its message is delivered again (unless
 * another run of it finished). `error` also carries the worker's own failures
 * (lost connections, retried), `LeaseExpiredWarning` (a handler that blocked
 * the event loop past the visibility timeout) and rows the database refused.
 */
export interface WorkerEvents {
  "job:start": [event: JobEvent];
  "job:complete": [event: JobEvent & { durationMs: number }];
  "job:fail": [event: JobEvent & { error: unknown; retryInSeconds: number }];
  /**
   * `reason` is what the dead-letter record stores: built from any thrown
   * value (never fails), NULs written as `\u0000`, lone surrogates as U+FFFD,
   * cut at 8 KiB (8192 UTF-16 code units) with a marker saying how much was cut.
   */
  "job:kill": [event: JobEvent & { reason: string; error?: unknown; deadLetter: string | null }];
  /** A pruning pass of a queue's archive finished (see `WorkerOptions.pruneArchive`). */
  "archive:prune": [event: ArchivePruneEvent];
  error: [error: unknown];
}

/** One pruning pass of a queue's archive by a worker. */
export interface ArchivePruneEvent {
  readonly queue: string;
  /** Archived rows deleted. */
  readonly deleted: number;
  /** Delete statements run. */
  readonly batches: number;
  /** Another session was pruning the queue: this pass stopped and left the rest to it. */
  readonly lockBusy: boolean;
  /** Rows archived before this moment were deleted. */
  readonly cutoff: Date;
  readonly durationMs: number;
}

export interface JobEvent {
  readonly queue: string;
  readonly msgId: bigint;
  readonly attempt: number;
}

export interface Worker {
  /** Creates missing queues (unless disabled), starts listening and polling. */
  start(): Promise<void>;
  /**
   * Stops reading, releases prefetched messages, waits for in-flight jobs (up
   * to `shutdownTimeout`, then aborts their signals) and writes their acks.
   * Resolves within `shutdownTimeout` + 2000 ms, leaving no timer behind: once
   * it and `closePool()` resolve, nothing of the worker keeps the process alive.
   * Called during `start()`, it waits up to `shutdownTimeout` for the start to
   * finish; past that `start()` rejects with `WorkerStoppingError`, and a
   * connection attempt the pool has under way ends at its
   * `connectionTimeoutMillis` (which `closePool()` waits for).
   */
  stop(): Promise<void>;
  on<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this;
  off<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this;
}

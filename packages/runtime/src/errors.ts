/**
 * Errors the runtime throws to users. Each is `instanceof`-safe (a real
 * subclass with `name` set) and says what failed, where (queue, message id,
 * JSON pointer) and, where there is one, what to do.
 */
import type { ValidationIssue } from "./types.js";

/** `/to must match format "email"`; `required` and `additionalProperties` issues name the object that holds the key. */
export function describeIssue(issue: ValidationIssue): string {
  const located =
    issue.keyword === "required" || issue.keyword === "additionalProperties"
      ? parentPointer(issue.pointer)
      : issue.pointer;
  return `${located === "" ? "(root)" : located} ${issue.message}`;
}

/** Jobs of a batch, and issues per job, a message spells out: the rest are counted, so a message stays short. */
const JOBS_IN_MESSAGE = 20;
const ISSUES_IN_MESSAGE = 10;

/** The issues in words, the first few spelled out and the rest counted. */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, ISSUES_IN_MESSAGE).map(describeIssue);
  const more = issues.length - ISSUES_IN_MESSAGE;
  if (more > 0) shown.push(`and ${more} more issues (every one is in error.issues)`);
  return shown.join("; ");
}

function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf("/");
  return slash <= 0 ? "" : pointer.slice(0, slash);
}

/** `job 1: /to must match format "email"; job 3: ...; and 99980 more jobs`. */
function describeJobs(jobs: readonly JobIssues[]): string {
  const shown = jobs.slice(0, JOBS_IN_MESSAGE).map((job) => {
    const issues = job.issues.slice(0, ISSUES_IN_MESSAGE).map((issue) => `job ${job.index}: ${describeIssue(issue)}`);
    const moreIssues = job.issues.length - ISSUES_IN_MESSAGE;
    if (moreIssues > 0) issues.push(`job ${job.index}: and ${moreIssues} more issues`);
    return issues.join("; ");
  });
  const moreJobs = jobs.length - JOBS_IN_MESSAGE;
  if (moreJobs > 0) shown.push(`and ${moreJobs} more jobs (every one is in error.jobs)`);
  return shown.join("; ");
}

/** The failures of one job of a batch (`pushBatch`). */
export interface JobIssues {
  /** Index of the job in the array given to `pushBatch`. */
  readonly index: number;
  readonly issues: readonly ValidationIssue[];
}

/**
 * A job does not match its queue's schema, cannot be stored as JSON (a
 * NUL, a lone surrogate, a BigInt, a cycle, too deep: keyword `json`), or
 * the push's headers cannot be; nothing was sent.
 */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  readonly queue: string;
  /**
   * Every failure. For a batch, each pointer is prefixed with the job's index
   * (`/3/to`), so it points into the array given to `pushBatch`.
   */
  readonly issues: readonly ValidationIssue[];
  /** For a batch: the failures grouped by job. Empty for a single job. */
  readonly jobs: readonly JobIssues[];

  /**
   * `holes`: how many holes the batch's array has in all, when `jobs` lists
   * only the first (a sparse array's holes are counted, not all listed).
   */
  constructor(
    queue: string,
    issues: readonly ValidationIssue[],
    options?: { jobs?: readonly JobIssues[]; headers?: boolean; holes?: number },
  ) {
    const jobs = options?.jobs ?? [];
    const holes = options?.holes;
    const allHoles = holes !== undefined ? `; the array has ${holes} holes in all (the first are listed)` : "";
    const detail = options?.headers
      ? `invalid headers: ${describeIssues(issues)}`
      : jobs.length > 0
        ? `invalid jobs: ${describeJobs(jobs)}${allHoles}`
        : `invalid job: ${describeIssues(issues)}`;
    super(`${queue}: ${detail}`);
    this.queue = queue;
    this.issues = issues;
    this.jobs = jobs;
  }

  /**
   * Builds the error of a batch from each failing job's issues; `holes`
   * when `jobs` lists only the first of the array's holes.
   */
  static forBatch(queue: string, jobs: readonly JobIssues[], options?: { holes?: number }): ValidationError {
    const issues = jobs.flatMap((job) =>
      job.issues.map((issue) => ({ ...issue, pointer: `/${job.index}${issue.pointer}` })),
    );
    const holes = options?.holes !== undefined ? { holes: options.holes } : {};
    return new ValidationError(queue, issues, { jobs, ...holes });
  }

  /** The error of a push's headers; pointers start with `headers` (`headers/traceId`). */
  static forHeaders(queue: string, issues: readonly ValidationIssue[]): ValidationError {
    return new ValidationError(queue, issues, { headers: true });
  }
}

/** Options of `DecodeError`. */
export interface DecodeErrorOptions {
  /** The PGMQ message id, when known. (Default: unknown) */
  msgId?: bigint | undefined;
  /** What the transform threw, when it did. (Default: none) */
  cause?: unknown;
  /**
   * What went wrong, in place of "stored message does not match the schema"
   * (the issues follow it) or, with no issues, of the whole detail: a
   * versioned queue's decode names the version at fault. (Default: the general wording)
   */
  detail?: string | undefined;
}

/**
 * A stored message could not be decoded, or decoded into something its
 * schema rejects: the schema of the version it is stamped with, or, for a
 * message without a stamp, every version the queue still decodes. Also a
 * message stamped with a retired version or with a stamp that is not a
 * version. A worker kills it at once (no retry could help).
 */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  readonly queue: string;
  /** The PGMQ message id, when known. */
  readonly msgId: bigint | undefined;
  /** Schema failures; empty when the transform itself threw (see `cause`) or the version stamp is at fault. */
  readonly issues: readonly ValidationIssue[];
  readonly #detail: string | undefined;

  constructor(queue: string, issues: readonly ValidationIssue[], options?: DecodeErrorOptions) {
    const where = options?.msgId !== undefined ? `${queue} message ${options.msgId}` : queue;
    const lead = options?.detail;
    const detail =
      issues.length > 0
        ? `${lead ?? "stored message does not match the schema"}: ${issues.map(describeIssue).join("; ")}`
        : (lead ?? `stored message could not be decoded: ${describeCause(options?.cause)}`);
    super(`${where}: ${detail}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.queue = queue;
    this.msgId = options?.msgId;
    this.issues = issues;
    this.#detail = lead;
  }

  /** The same error, now naming the message it came from. */
  withMsgId(msgId: bigint): DecodeError {
    return new DecodeError(this.queue, this.issues, { msgId, cause: this.cause, detail: this.#detail });
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * Thrown by a handler to kill its job at once: no retry, straight to the
 * dead-letter queue (or deleted when the queue has none).
 */
export class UnrecoverableError extends Error {
  override readonly name = "UnrecoverableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A queue's tables do not exist and the runtime may not create them
 * (`configure({ autoCreate: false })`), or cannot where they are missing.
 */
export class QueueMissingError extends Error {
  override readonly name = "QueueMissingError";
  readonly queue: string;
  /** `where`: the database, when not the pool's; `reason`: why it was not created. (Default: autoCreate is off) */
  constructor(queue: string, detail?: { where?: string; reason: string }) {
    const where = detail?.where;
    super(
      `queue "${queue}" does not exist${where !== undefined ? ` in ${where}` : ""} (no table pgmq.q_${queue}) ` +
        `and ${detail?.reason ?? "autoCreate is off"}: ` +
        `run \`pgmq-gen migrate\` (or call ensureQueues)${where !== undefined ? " on that database" : ""} ` +
        "with a role that may create tables",
    );
    this.queue = queue;
  }
}

/** Which ack of a delivery an `AckLostError` is about. */
export type AckKind = "done" | "retry" | "kill" | "release";

/**
 * Why an ack was not written:
 * - `leaseLost`: the statement matched nothing: the message was no longer held
 *   by this delivery (its visibility timeout passed and another worker read
 *   it, or it was acked or deleted meanwhile);
 * - `deadlinePassed`: the database stayed unreachable until the message's
 *   visibility timeout passed, or until `stop()` stopped waiting for acks
 *   (5 s, within its bound), so the ack was given up;
 * - `refused`: the database refused the row itself (a data error), even alone
 *   and with a minimal reason;
 * - `workerStopped`: the handler finished after `stop()` had returned (it was
 *   left behind at shutdown), so no ack was attempted: the pool may be closed.
 */
export type AckLostReason = "leaseLost" | "deadlinePassed" | "refused" | "workerStopped";

/**
 * Reported on a worker's `error` event, in place of the job's `job:complete`,
 * `job:fail` or `job:kill` event, when that job's ack was not written. The
 * message is not lost: unless another delivery of it acked it, it becomes
 * visible again when its visibility timeout passes and is delivered again.
 */
export class AckLostError extends Error {
  override readonly name = "AckLostError";
  readonly queue: string;
  readonly msgId: bigint;
  /** The delivery's attempt (`read_ct`). */
  readonly attempt: number;
  readonly ack: AckKind;
  readonly reason: AckLostReason;

  constructor(
    details: { queue: string; msgId: bigint; attempt: number; ack: AckKind; reason: AckLostReason },
    options?: { cause?: unknown },
  ) {
    super(`${details.queue} message ${details.msgId} (attempt ${details.attempt}): ${ackLostText(details)}`, options);
    this.queue = details.queue;
    this.msgId = details.msgId;
    this.attempt = details.attempt;
    this.ack = details.ack;
    this.reason = details.reason;
  }
}

const ACK_WORDS: Record<AckKind, string> = {
  done: "its done ack (archive or delete)",
  retry: "its retry (visible again after the backoff)",
  kill: "its kill (dead-letter or delete)",
  release: "its release",
};

function ackLostText(details: { ack: AckKind; reason: AckLostReason }): string {
  const what = ACK_WORDS[details.ack];
  switch (details.reason) {
    case "leaseLost":
      return (
        `${what} was not written: this delivery no longer held the message (its visibility timeout passed and ` +
        "another worker read it, or it was acked or deleted meanwhile); the job's event is not emitted"
      );
    case "deadlinePassed":
      return (
        `${what} was not written while the database was unreachable, before the message's visibility timeout ` +
        "passed or stop() stopped waiting for acks: the message will be delivered again"
      );
    case "refused":
      return `${what} was refused by the database (see the cause): the message will be delivered again`;
    case "workerStopped":
      return (
        `${what} was not written: the handler finished after stop() had returned (it did not return within ` +
        "shutdownTimeout + 2 s and was left behind), so no ack was attempted: the message will be delivered again " +
        "after its visibility timeout"
      );
  }
}

/**
 * The reason a running job's signal aborts when the visibility heartbeat
 * finds that its delivery no longer holds the message (its visibility timeout
 * passed, typically while a CPU-bound handler blocked the event loop, and
 * another worker read it). The job's ack will not be written: stop working.
 */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
  readonly queue: string;
  readonly msgId: bigint;

  constructor(queue: string, msgId: bigint, attempt: number) {
    super(
      `${queue} message ${msgId} (attempt ${attempt}): the lease on the message was lost (its visibility timeout ` +
        "passed and another worker read it, or it was acked or deleted): this run's ack will not be written",
    );
    this.queue = queue;
    this.msgId = msgId;
  }
}

/**
 * Reported on a worker's `error` event when a handler finished after its
 * message's visibility timeout had passed unextended: the event loop was
 * blocked (CPU-bound work), the heartbeat's extension waited for a connection
 * of an exhausted pool, or the database did not answer in time. Another
 * worker may have run the same job meanwhile. The message names the cause
 * the heartbeat saw and the fix.
 */
export class LeaseExpiredWarning extends Error {
  override readonly name = "LeaseExpiredWarning";
  readonly queue: string;
  readonly msgId: bigint;

  constructor(queue: string, msgId: bigint, message: string) {
    super(`${queue} message ${msgId}: ${message}`);
    this.queue = queue;
    this.msgId = msgId;
  }
}

/**
 * The database did not answer in time: no connection within
 * `connectionTimeoutMillis`, or no answer to one of the runtime's own
 * statements within `statementTimeoutMillis` (see `configure`). The message
 * says which, where, and what to check.
 */
export class DatabaseTimeoutError extends Error {
  override readonly name = "DatabaseTimeoutError";
  /** What timed out: opening or getting a connection, or a statement. */
  readonly kind: "connect" | "statement";
  /** The limit that passed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(kind: "connect" | "statement", timeoutMs: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Why a connection to PostgreSQL was not made:
 * - `refused`: nothing listens at the host and port (ECONNREFUSED);
 * - `hostNotFound`: the host name does not resolve (ENOTFOUND, EAI_AGAIN);
 * - `unreachable`: the network gives no route or no answer (EHOSTUNREACH, ENETUNREACH, ETIMEDOUT);
 * - `authentication`: the server refused the password, or asked for one and none was given (28P01);
 * - `notAllowed`: the server's pg_hba.conf has no entry for this host, user and database (28000);
 * - `roleMissing`: the user does not exist on the server (28000);
 * - `databaseMissing`: the database does not exist (3D000);
 * - `notReady`: the server is starting up, shutting down or in recovery (57P03), or the database
 *   does not accept connections now (55000, `ALLOW_CONNECTIONS` off).
 */
export type DatabaseConnectionFailure =
  | "refused"
  | "hostNotFound"
  | "unreachable"
  | "authentication"
  | "notAllowed"
  | "roleMissing"
  | "databaseMissing"
  | "notReady";

/** Where a connection went: what a person needs to find the server and the settings at fault (never the password). */
export interface DatabaseTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/**
 * A connection to PostgreSQL could not be made. Thrown by `push`,
 * `worker.start()` and the CLI, and reported on a worker's `error` event
 * while its database is away. The message names the server, database and
 * user (never the password), says what failed and what to do; `cause` is
 * the error of `pg` or Node.
 */
export class DatabaseConnectionError extends Error {
  override readonly name = "DatabaseConnectionError";
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly reason: DatabaseConnectionFailure;

  constructor(
    target: DatabaseTarget,
    reason: DatabaseConnectionFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${describeTarget(target)}: ${detail}`, options);
    this.host = target.host;
    this.port = target.port;
    this.database = target.database;
    this.user = target.user;
    this.reason = reason;
  }
}

/** `cannot connect to PostgreSQL at host:port, database "d", user "u"`: the start of every connection error. */
export function describeTarget(target: DatabaseTarget): string {
  return `cannot connect to PostgreSQL at ${target.host}:${target.port}, database "${target.database}", user "${target.user}"`;
}

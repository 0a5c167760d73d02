/**
 * Errors the runtime throws to users. Each is `instanceof`-safe (a real
 * subclass with `name` set) and says what failed, where (queue, message id,
 * JSON pointer) and, where there is one, what to do.
 */
import type { ValidationIssue } from "./types.js";

/** `/to must match format "email"`; `required` and `additionalProperties` issues name the object that holds the key. */
function describeIssue(issue: ValidationIssue): string {
  const located =
    issue.keyword === "required" || issue.keyword === "additionalProperties"
      ? parentPointer(issue.pointer)
      : issue.pointer;
  return `${located === "" ? "(root)" : located} ${issue.message}`;
}

function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf("/");
  return slash <= 0 ? "" : pointer.slice(0, slash);
}

/** The failures of one job of a batch (`pushBatch`). */
export interface JobIssues {
  /** Index of the job in the array given to `pushBatch`. */
  readonly index: number;
  readonly issues: readonly ValidationIssue[];
}

/** A job does not match its queue's schema; nothing was sent. */
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

  constructor(queue: string, issues: readonly ValidationIssue[], options?: { jobs?: readonly JobIssues[] }) {
    const jobs = options?.jobs ?? [];
    const detail =
      jobs.length > 0
        ? `invalid jobs: ${jobs
            .flatMap((job) => job.issues.map((issue) => `job ${job.index}: ${describeIssue(issue)}`))
            .join("; ")}`
        : `invalid job: ${issues.map(describeIssue).join("; ")}`;
    super(`${queue}: ${detail}`);
    this.queue = queue;
    this.issues = issues;
    this.jobs = jobs;
  }

  /** Builds the error of a batch from each failing job's issues. */
  static forBatch(queue: string, jobs: readonly JobIssues[]): ValidationError {
    const issues = jobs.flatMap((job) =>
      job.issues.map((issue) => ({ ...issue, pointer: `/${job.index}${issue.pointer}` })),
    );
    return new ValidationError(queue, issues, { jobs });
  }
}

/** A stored message could not be decoded, or decoded into something its schema rejects. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  readonly queue: string;
  /** The PGMQ message id, when known. */
  readonly msgId: bigint | undefined;
  /** Schema failures; empty when the transform itself threw (see `cause`). */
  readonly issues: readonly ValidationIssue[];

  constructor(
    queue: string,
    issues: readonly ValidationIssue[],
    options?: { msgId?: bigint | undefined; cause?: unknown },
  ) {
    const where = options?.msgId !== undefined ? `${queue} message ${options.msgId}` : queue;
    const detail =
      issues.length > 0
        ? `stored message does not match the schema: ${issues.map(describeIssue).join("; ")}`
        : `stored message could not be decoded: ${describeCause(options?.cause)}`;
    super(`${where}: ${detail}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.queue = queue;
    this.msgId = options?.msgId;
    this.issues = issues;
  }

  /** The same error, now naming the message it came from. */
  withMsgId(msgId: bigint): DecodeError {
    return new DecodeError(this.queue, this.issues, { msgId, cause: this.cause });
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

/** A queue's tables do not exist and the runtime may not create them (`configure({ autoCreate: false })`). */
export class QueueMissingError extends Error {
  override readonly name = "QueueMissingError";
  readonly queue: string;
  constructor(queue: string) {
    super(
      `queue "${queue}" does not exist (no table pgmq.q_${queue}) and autoCreate is off: ` +
        "run `pgmq-gen migrate` (or call ensureQueues) with a role that may create tables",
    );
    this.queue = queue;
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

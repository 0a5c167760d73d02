/**
 * The dead letters of one queue, for operators: list them, look at one,
 * move them back to their queue (redrive) or delete them (purge), what
 * `pgmq-gen dlq` runs. A queue's dead letters are the rows of its
 * dead-letter queue whose dead-letter record (`x-pgmq-gen-dead-letter`,
 * written by the worker that killed the job) names it as `sourceQueue`:
 * queues that share a dead-letter queue never see each other's.
 *
 * Redrive and purge run in batches, each one statement (sql/), so a run
 * stopped at any point (killed, a lost connection) has dealt with whole
 * batches only: a message is in exactly one of the two queues, never both,
 * never neither; running again finishes the job.
 */
import { getPool } from "./connection.js";
import { QueueMissingError } from "./errors.js";
import { messageId } from "./jobs.js";
import { MAX_DATABASE_SECONDS } from "./limits.js";
import { messageCursor } from "./messageCursor.js";
import { payloadBoundOf } from "./payloadBound.js";
import { DEAD_LETTER_HEADER } from "./sql/deadLetterMessages.js";
import type { DeadLetterSelectionValues } from "./sql/deadLetterSelection.js";
import {
  countDeadLettersStatement,
  type DeadLetterRow,
  deadLetterBoundsStatement,
  listDeadLettersStatement,
  showDeadLetterStatement,
} from "./sql/listDeadLetters.js";
import { purgeDeadLettersStatement } from "./sql/purgeDeadLetters.js";
import { readQueueColumns } from "./sql/queueColumns.js";
import { validateQueueName } from "./sql/queueNames.js";
import { type DeadLetterBatchRow, redriveDeadLettersStatement } from "./sql/redriveDeadLetters.js";
import { idsParameter, type Queryable, runStatement } from "./sql/statement.js";
import { storableText } from "./storableText.js";
import type { MessageHeaders } from "./types.js";

export { REDRIVEN_HEADER } from "./sql/redriveDeadLetters.js";

/** Which dead letters an operation takes; every one of the queue's when empty. */
export interface DeadLetterFilter {
  /** Only these dead-letter message ids (ids in the dead-letter queue, as `list` shows them); `[]` matches none. (Default: any) */
  ids?: readonly bigint[];
  /** Only those whose reason contains this text, ignoring case (matched as written: no wildcards). (Default: any) */
  reason?: string;
  /** Only those dead-lettered longer ago than this. Seconds, at most 10^9. (Default: any age) */
  olderThanSeconds?: number;
  /** At most this many, the lowest ids first. (Default: 100 for `list`, no limit for `count`, `redrive` and `purge`) */
  limit?: number;
}

/** Which dead letters `list` shows: a filter, and where the page starts. */
export interface DeadLetterListFilter extends DeadLetterFilter {
  /** Only those with an id above this one (the last id of the page shown), to page on. (Default: from the first) */
  after?: bigint;
  /**
   * Payloads larger than this (stored size, bytes) are not read: the dead
   * letter comes with `payloadOmitted` and `message` null. (Default: no bound)
   */
  maxPayloadBytes?: number;
}

/** Options of `redrive` and `purge`. */
export interface DeadLetterRunOptions extends DeadLetterFilter {
  /** Messages per batch, each batch one statement (one transaction). (Default: 1000; at most 100 000) */
  batchSize?: number;
  /** Called after each batch with the messages done so far. (Default: none) */
  onBatch?: (done: number) => void;
}

/** What a redrive or a purge did. */
export interface DeadLetterRun {
  /** Messages moved back (redrive) or deleted (purge). */
  count: number;
  /** Batches that moved or deleted at least one. */
  batches: number;
}

/** One dead letter. */
export interface DeadLetter {
  /** Its id in the dead-letter queue (what `show`, and `ids` of a filter, take). */
  msgId: bigint;
  /** When it was dead-lettered (its `enqueued_at` in the dead-letter queue). */
  deadLetteredAt: Date;
  /** Deliveries it had in its queue before it was killed; null when the record holds none. */
  attempts: number | null;
  /** Why it was killed: the handler's error, or why it could not be decoded. */
  reason: string;
  /** Its id in its queue when killed; null when the record holds none. */
  sourceMsgId: bigint | null;
  /** The payload, as stored; null when `list`'s `maxPayloadBytes` left it out (`payloadOmitted`). */
  message: unknown;
  /** The payload's stored size in bytes (after PostgreSQL's compression, when it compressed it). */
  payloadBytes: number;
  /** The payload was larger than `list`'s `maxPayloadBytes` and not read. */
  payloadOmitted: boolean;
  /** Its headers as stored: the original ones plus the dead-letter record (`x-pgmq-gen-dead-letter`). */
  headers: MessageHeaders;
}

export interface DeadLettersOptions {
  /** The queue's dead-letter queue: its `deadLetter` option. */
  deadLetterQueue: string;
  /**
   * Where to run: a pool, or a client (inside the caller's transaction every
   * batch of a redrive or purge is part of it). (Default: the shared pool,
   * from `configure()` or `DATABASE_URL`)
   */
  db?: Queryable;
}

/** The dead letters of one queue (see `deadLetters`). */
export interface DeadLetters {
  readonly queue: string;
  readonly deadLetterQueue: string;
  /** The matching dead letters, lowest id first, at most `limit` (default 100). */
  list(filter?: DeadLetterListFilter): Promise<DeadLetter[]>;
  /** How many match (`limit` caps the count). A scan of the dead-letter queue. */
  count(filter?: DeadLetterFilter): Promise<number>;
  /** One dead letter by its id in the dead-letter queue; null when it is not there or not this queue's. */
  show(msgId: bigint): Promise<DeadLetter | null>;
  /**
   * Moves the matching dead letters back to the queue, in batches, each one
   * statement: as new messages (new ids, visible at once, attempts counted
   * anew) with their original headers, the dead-letter record moved to the
   * end of the `x-pgmq-gen-redriven` list (`REDRIVEN_HEADER`).
   */
  redrive(options?: DeadLetterRunOptions): Promise<DeadLetterRun>;
  /** Deletes the matching dead letters for good, in batches, each one statement. */
  purge(options?: DeadLetterRunOptions): Promise<DeadLetterRun>;
}

const LIST_LIMIT_DEFAULT = 100;
const BATCH_SIZE_DEFAULT = 1000;
const BATCH_SIZE_MAX = 100_000;
const INT4_MAX = 2 ** 31 - 1;

function positiveInteger(value: number, what: string, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    throw new RangeError(`${what}: expected an integer from 1 to ${max}, got ${value}`);
  return value;
}

function checkFilter(filter: DeadLetterFilter): void {
  const age = filter.olderThanSeconds;
  if (age !== undefined && !(Number.isFinite(age) && age >= 0 && age <= MAX_DATABASE_SECONDS))
    throw new RangeError(`olderThanSeconds: expected seconds from 0 to ${MAX_DATABASE_SECONDS}, got ${age}`);
  if (filter.limit !== undefined) positiveInteger(filter.limit, "limit", Number.MAX_SAFE_INTEGER);
  for (const id of filter.ids ?? []) {
    if (typeof id !== "bigint") throw new TypeError(`ids: expected bigint message ids, got ${typeof id}`);
  }
}

function selection(
  queue: string,
  filter: DeadLetterFilter,
  bounds: { cutoff: string | null; upTo: string | null },
  after: bigint,
): DeadLetterSelectionValues {
  return [
    queue,
    filter.ids !== undefined ? idsParameter(filter.ids) : null,
    // Reasons are stored with their NULs written as \u0000 (see PgmqClient.deadLetter): match them the same way.
    filter.reason !== undefined ? storableText(filter.reason) : null,
    bounds.cutoff,
    after.toString(),
    bounds.upTo,
  ];
}

function toDeadLetter(row: DeadLetterRow, maxPayloadBytes: number | null = null): DeadLetter {
  const record = (row.headers[DEAD_LETTER_HEADER] ?? {}) as Record<string, unknown>;
  const sourceMsgId =
    typeof record.sourceMsgId === "string" && /^\d+$/.test(record.sourceMsgId) ? record.sourceMsgId : null;
  return {
    msgId: row.msg_id,
    deadLetteredAt: row.enqueued_at,
    attempts: typeof record.attempts === "number" ? record.attempts : null,
    reason: typeof record.error === "string" ? record.error : "",
    sourceMsgId: sourceMsgId === null ? null : BigInt(sourceMsgId),
    message: row.message,
    payloadBytes: row.payload_bytes,
    payloadOmitted: maxPayloadBytes !== null && row.payload_bytes > maxPayloadBytes,
    headers: row.headers as MessageHeaders,
  };
}

/**
 * The dead letters of `queue` in its dead-letter queue. Nothing is created:
 * an operation on a missing dead-letter queue (or, for `redrive`, a missing
 * queue) rejects with `QueueMissingError`. A dead-letter queue made by PGMQ
 * before 1.5 has no headers, so no record of where a message came from:
 * no dead letter there is any queue's.
 *
 * @example
 * const dlq = deadLetters("email", { deadLetterQueue: "email_dlq" });
 * await dlq.redrive({ reason: "ETIMEDOUT", olderThanSeconds: 3600 });
 */
export function deadLetters(queue: string, options: DeadLettersOptions): DeadLetters {
  validateQueueName(queue);
  const deadLetterQueue = validateQueueName(options.deadLetterQueue);
  if (deadLetterQueue === queue) throw new RangeError(`queue "${queue}" cannot be its own dead-letter queue`);
  const db = (): Queryable => options.db ?? getPool();

  /** Whether the dead-letter queue can hold records at all (it has `headers`); QueueMissingError when it is missing. */
  async function recordsPossible(operation: string): Promise<boolean> {
    const columns = await readQueueColumns(db(), deadLetterQueue);
    if (columns === null)
      throw new QueueMissingError(deadLetterQueue, { reason: `dead letters' ${operation} does not create queues` });
    return columns.headers;
  }

  async function boundsOf(filter: DeadLetterFilter): Promise<{ cutoff: string | null; upTo: string | null }> {
    const { rows } = await runStatement<{ up_to: bigint | null; cutoff: string | null }>(
      db(),
      deadLetterBoundsStatement(deadLetterQueue),
      [filter.olderThanSeconds ?? null],
    );
    return { cutoff: rows[0]!.cutoff, upTo: rows[0]!.up_to === null ? null : rows[0]!.up_to.toString() };
  }

  async function list(filter: DeadLetterListFilter = {}): Promise<DeadLetter[]> {
    checkFilter(filter);
    if (filter.after !== undefined) messageCursor(filter.after, "after");
    const maxPayloadBytes = payloadBoundOf(filter.maxPayloadBytes);
    if (!(await recordsPossible("list"))) return [];
    const bounds = await boundsOf(filter);
    if (bounds.upTo === null) return [];
    const limit = Math.min(filter.limit ?? LIST_LIMIT_DEFAULT, INT4_MAX);
    const { rows } = await runStatement<DeadLetterRow>(db(), listDeadLettersStatement(deadLetterQueue), [
      ...selection(queue, filter, bounds, filter.after ?? 0n),
      limit,
      maxPayloadBytes,
    ]);
    return rows.map((row) => toDeadLetter(row, maxPayloadBytes));
  }

  async function count(filter: DeadLetterFilter = {}): Promise<number> {
    checkFilter(filter);
    if (!(await recordsPossible("count"))) return 0;
    const bounds = await boundsOf(filter);
    if (bounds.upTo === null) return 0;
    const { rows } = await runStatement<{ count: bigint }>(
      db(),
      countDeadLettersStatement(deadLetterQueue),
      selection(queue, filter, bounds, 0n),
    );
    const total = Number(rows[0]!.count);
    return filter.limit !== undefined ? Math.min(total, filter.limit) : total;
  }

  async function show(msgId: bigint): Promise<DeadLetter | null> {
    const id = messageId(msgId);
    if (!(await recordsPossible("show"))) return null;
    const { rows } = await runStatement<DeadLetterRow>(db(), showDeadLetterStatement(deadLetterQueue), [queue, id]);
    return rows[0] === undefined ? null : toDeadLetter(rows[0]);
  }

  /**
   * Runs `batch` until the selection is exhausted or `limit` reached. The
   * bounds (the last id, the age cutoff) are fixed before the first batch:
   * a message dead-lettered again while a redrive runs waits for the next
   * run instead of making this one chase it.
   */
  async function inBatches(
    operation: string,
    runOptions: DeadLetterRunOptions,
    batch: (values: unknown[]) => Promise<DeadLetterBatchRow>,
  ): Promise<DeadLetterRun> {
    checkFilter(runOptions);
    const batchSize = positiveInteger(runOptions.batchSize ?? BATCH_SIZE_DEFAULT, "batchSize", BATCH_SIZE_MAX);
    const run: DeadLetterRun = { count: 0, batches: 0 };
    if (!(await recordsPossible(operation))) return run;
    const bounds = await boundsOf(runOptions);
    if (bounds.upTo === null) return run;
    let after = 0n;
    for (;;) {
      const size = Math.min(batchSize, (runOptions.limit ?? Number.POSITIVE_INFINITY) - run.count);
      if (size <= 0) return run;
      const done = await batch([...selection(queue, runOptions, bounds, after), size]);
      if (done.count === 0 || done.last_id === null) return run;
      run.count += done.count;
      run.batches += 1;
      after = done.last_id;
      runOptions.onBatch?.(run.count);
    }
  }

  async function redrive(runOptions: DeadLetterRunOptions = {}): Promise<DeadLetterRun> {
    const sourceColumns = await readQueueColumns(db(), queue);
    if (sourceColumns === null) throw new QueueMissingError(queue, { reason: "a redrive does not create queues" });
    const statement = redriveDeadLettersStatement(queue, deadLetterQueue, sourceColumns.headers);
    return inBatches("redrive", runOptions, async (values) => {
      const { rows } = await runStatement<DeadLetterBatchRow>(db(), statement, [...values, deadLetterQueue]);
      return rows[0]!;
    });
  }

  async function purge(runOptions: DeadLetterRunOptions = {}): Promise<DeadLetterRun> {
    const statement = purgeDeadLettersStatement(deadLetterQueue);
    return inBatches("purge", runOptions, async (values) => {
      const { rows } = await runStatement<DeadLetterBatchRow>(db(), statement, values);
      return rows[0]!;
    });
  }

  return { queue, deadLetterQueue, list, count, show, redrive, purge };
}

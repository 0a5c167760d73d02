/**
 * `queueStatus` and `listQueues`: the figures of `pgmq-gen status`, for
 * programs. Each count stops at a cap (`countCap`), so a refresh costs about
 * the same on a queue of a hundred messages or of ten million; a figure past
 * the cap is an estimate from the statistics system or a lower bound, and
 * says which (`approximate`). See docs/operations.md.
 */
import { getPool } from "./connection.js";
import { STATUS_DEFAULTS } from "./defaults.js";
import { MAX_STATUS_COUNT_CAP } from "./limits.js";
import { isQueueName } from "./queueName.js";
import { validateQueueName } from "./sql/queueNames.js";
import {
  metaTableSql,
  type QueueLengthRow,
  type QueueStatusRow,
  type QueueTablesRow,
  queueLengthStatement,
  queueListSql,
  queueStatusStatement,
  queueTablesSql,
  type RowEstimate,
} from "./sql/queueStatus.js";
import { type Queryable, runOnce, runStatement } from "./sql/statement.js";

/** The figures of a `QueueStatus`, by name. */
export type QueueStatusFigure =
  | "visible"
  | "inFlight"
  | "delayed"
  | "oldestAgeSeconds"
  | "deadLettered"
  | "archived"
  | "completedLastMinute"
  | "completedLastHour";

/**
 * How a figure past the cap was arrived at: `estimate`, from the statistics
 * system's live rows (within about a second of the last commit), minus what
 * was counted; `atLeast`, a lower bound (the count stopped at the cap).
 */
export type QueueStatusApproximation = "estimate" | "atLeast";

/** One queue's figures. Counts are exact unless named in `approximate`. */
export interface QueueStatus {
  readonly queue: string;
  /**
   * `pgmq.q_<queue>` exists. When it does not (nothing pushed, not migrated),
   * every figure is null but `deadLettered`, which still counts the
   * dead-letter queue.
   */
  readonly exists: boolean;
  /** Messages a read would take now (`vt <= now`). */
  readonly visible: number | null;
  /**
   * Messages read at least once and not visible again yet: being worked on,
   * or waiting out a retry's backoff (the tables cannot tell those apart).
   */
  readonly inFlight: number | null;
  /** Messages never read and not visible yet: pushed with a delay. */
  readonly delayed: number | null;
  /** Whole seconds since the oldest visible message was pushed (`enqueued_at`); null when none is visible. */
  readonly oldestAgeSeconds: number | null;
  /** Messages in the queue's dead-letter queue (0 when it has no table yet); null when the queue has none. */
  readonly deadLettered: number | null;
  /** Rows of the archive (`pgmq.a_<queue>`); null without an archive table. */
  readonly archived: number | null;
  /**
   * Messages archived in the last minute (`archived_at`): jobs completed,
   * for a queue that archives on success; null when it deletes them
   * (`onSuccess: "delete"`) or has no archive table.
   */
  readonly completedLastMinute: number | null;
  /** As `completedLastMinute`, over the last hour. */
  readonly completedLastHour: number | null;
  /** The figures that are not exact counts, and how each was arrived at; `{}` when all are exact. */
  readonly approximate: Readonly<Partial<Record<QueueStatusFigure, QueueStatusApproximation>>>;
}

/** A queue `queueStatus` reports on, with what the config knows of it (the fields of `QueueOptions`). */
export interface QueueStatusTarget {
  readonly queue: string;
  /** Its dead-letter queue, whose length is `deadLettered`. (Default: none, `deadLettered` is null) */
  readonly deadLetter?: string | null;
  /** What its workers do with a job whose handler returned: with `"delete"` the completed figures are null. (Default: "archive") */
  readonly onSuccess?: "archive" | "delete";
}

export interface QueueStatusOptions {
  /** Where to count: a pool or a client. (Default: the shared pool, from `configure()` or `DATABASE_URL`) */
  db?: Queryable;
  /**
   * Each count (visible, not visible, archived, completed in the last minute
   * and hour, dead-lettered) reads at most this many index entries and rows:
   * the cost of a call. Past it, a figure is approximate. (Default: 10000;
   * at most 1 000 000)
   */
  countCap?: number;
}

function countCapOf(value: number | undefined): number {
  const cap = value ?? STATUS_DEFAULTS.countCap;
  if (!Number.isSafeInteger(cap) || cap < 1 || cap > MAX_STATUS_COUNT_CAP)
    throw new RangeError(`countCap: expected an integer from 1 to ${MAX_STATUS_COUNT_CAP}, got ${cap}`);
  return cap;
}

/** A table's row count from the statistics (see sql/queueStatus.ts), never below `counted`. */
function estimateRows(estimate: RowEstimate, counted: number): number {
  const rows = estimate.counted ? Number(estimate.live_tuples) : Math.max(estimate.reltuples, 0);
  return Math.max(Math.round(rows), counted);
}

function prefixed(row: object, prefix: string): RowEstimate {
  const fields = row as Record<string, unknown>;
  return {
    live_tuples: fields[`${prefix}_live_tuples`] as bigint,
    counted: fields[`${prefix}_counted`] as boolean,
    reltuples: fields[`${prefix}_reltuples`] as number,
  };
}

type Approximate = Partial<Record<QueueStatusFigure, QueueStatusApproximation>>;

/**
 * The queue's own figures from its counts. A class of messages whose count
 * stopped at the cap is estimated as the queue's estimated length minus the
 * other class, which was counted whole; when both stopped, nothing splits
 * the length between them, and the counts are lower bounds.
 */
function queueFigures(row: QueueStatusRow, cap: number, approximate: Approximate) {
  const visibleCapped = row.visible_count >= cap;
  const hiddenCapped = row.hidden_count >= cap;
  const length = estimateRows(prefixed(row, "queue"), row.visible_count + row.hidden_count);
  let visible = row.visible_count;
  const inFlight = row.in_flight_count;
  let delayed = row.hidden_count - row.in_flight_count;
  if (visibleCapped && !hiddenCapped) {
    visible = Math.max(cap, length - row.hidden_count);
    approximate.visible = "estimate";
  } else if (hiddenCapped && !visibleCapped) {
    // In-flight messages are due within a visibility timeout, so they are among the first not visible, but for delays due sooner.
    approximate.inFlight = "atLeast";
    delayed = Math.max(delayed, length - visible - inFlight);
    approximate.delayed = "estimate";
  } else if (visibleCapped && hiddenCapped) {
    approximate.visible = "atLeast";
    approximate.inFlight = "atLeast";
    approximate.delayed = "atLeast";
  }
  // The oldest of the first `cap` visible in vt order: the oldest of all but for those after them.
  if (visibleCapped) approximate.oldestAgeSeconds = "atLeast";
  return { visible, inFlight, delayed, oldestAgeSeconds: row.oldest_age_sec };
}

function archiveFigures(row: QueueStatusRow, cap: number, onSuccess: "archive" | "delete", approximate: Approximate) {
  if (row.archived_count === undefined || row.archived_count === null)
    return { archived: null, completedLastMinute: null, completedLastHour: null };
  let archived = row.archived_count;
  if (archived >= cap) {
    archived = estimateRows(prefixed(row, "archive"), cap);
    approximate.archived = "estimate";
  }
  if (onSuccess === "delete") return { archived, completedLastMinute: null, completedLastHour: null };
  if (row.completed_minute! >= cap) approximate.completedLastMinute = "atLeast";
  if (row.completed_hour! >= cap) approximate.completedLastHour = "atLeast";
  return { archived, completedLastMinute: row.completed_minute!, completedLastHour: row.completed_hour! };
}

function targetOf(target: string | QueueStatusTarget): QueueStatusTarget {
  return typeof target === "string" ? { queue: target } : target;
}

/**
 * The figures of each queue (see `QueueStatus`), in the order given: one
 * catalog query, then one statement per queue and one per dead-letter
 * queue, each reading at most `countCap` entries per count. A queue without
 * a table is reported (`exists: false`), never created. Counts read a
 * snapshot per statement: a message moving meanwhile may be counted in two
 * places or none.
 *
 * @example
 * const [signup] = await queueStatus([{ queue: "signup", deadLetter: "signup_dlq" }]);
 * if (signup.visible !== null && signup.visible > 1000) alert("signup is backing up");
 */
export async function queueStatus(
  queues: readonly (string | QueueStatusTarget)[],
  options: QueueStatusOptions = {},
): Promise<QueueStatus[]> {
  const cap = countCapOf(options.countCap);
  const targets = queues.map(targetOf);
  for (const target of targets) {
    validateQueueName(target.queue);
    if (target.deadLetter != null) validateQueueName(target.deadLetter);
  }
  if (targets.length === 0) return [];
  const db = options.db ?? getPool();
  const names = [...new Set(targets.flatMap((target) => [target.queue, target.deadLetter ?? []].flat()))];
  const { rows: tableRows } = await runOnce<QueueTablesRow>(db, queueTablesSql, [names]);
  const tables = new Map(tableRows.map((row) => [row.queue, row]));

  const lengths = new Map<string, { count: number; approximation?: QueueStatusApproximation }>();
  const deadLetterLength = async (queue: string) => {
    let length = lengths.get(queue);
    if (length === undefined) {
      if (tables.get(queue)?.queue_table !== true) length = { count: 0 };
      else {
        const { rows } = await runStatement<QueueLengthRow>(db, queueLengthStatement(queue), [
          cap,
          `pgmq.q_${queue}`,
        ]).catch((error: unknown) => Promise.reject(notQueueTables(queue, error)));
        const row = rows[0]!;
        length =
          row.row_count >= cap
            ? { count: estimateRows(prefixed(row, "length"), cap), approximation: "estimate" }
            : { count: row.row_count };
      }
      lengths.set(queue, length);
    }
    return length;
  };

  const statuses: QueueStatus[] = [];
  for (const target of targets) {
    const approximate: Approximate = {};
    let deadLettered: number | null = null;
    if (target.deadLetter != null) {
      const length = await deadLetterLength(target.deadLetter);
      deadLettered = length.count;
      if (length.approximation !== undefined) approximate.deadLettered = length.approximation;
    }
    const table = tables.get(target.queue);
    if (table?.queue_table !== true) {
      statuses.push({ ...missingFigures(target.queue), deadLettered, approximate });
      continue;
    }
    const archive = table.archive_table;
    const values: unknown[] = [cap, `pgmq.q_${target.queue}`, ...(archive ? [`pgmq.a_${target.queue}`] : [])];
    const { rows } = await runStatement<QueueStatusRow>(db, queueStatusStatement(target.queue, archive), values).catch(
      (error: unknown) => Promise.reject(notQueueTables(target.queue, error)),
    );
    const row = rows[0]!;
    statuses.push({
      queue: target.queue,
      exists: true,
      ...queueFigures(row, cap, approximate),
      deadLettered,
      ...archiveFigures(row, cap, target.onSuccess ?? "archive", approximate),
      approximate,
    });
  }
  return statuses;
}

/**
 * A missing column (SQLSTATE 42703): `pgmq.q_<queue>` or `pgmq.a_<queue>` is
 * a table of that name without PGMQ's columns, made by hand or by something
 * else. Said naming the queue; any other error is left as it is.
 */
function notQueueTables(queue: string, error: unknown): unknown {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== "42703") return error;
  return new Error(
    `queue "${queue}": pgmq.q_${queue} or pgmq.a_${queue} is not a PGMQ queue table (${error.message}); ` +
      "drop or rename it, or leave the queue out of the config",
    { cause: error },
  );
}

function missingFigures(queue: string): Omit<QueueStatus, "deadLettered" | "approximate"> {
  return {
    queue,
    exists: false,
    visible: null,
    inFlight: null,
    delayed: null,
    oldestAgeSeconds: null,
    archived: null,
    completedLastMinute: null,
    completedLastHour: null,
  };
}

/** Options of `listQueues`. */
export interface ListQueuesOptions {
  /** Where to look. (Default: the shared pool) */
  db?: Queryable;
}

/**
 * Every PGMQ queue of the database, by name: those `pgmq.meta` lists and
 * those with a `pgmq.q_<name>` table (made by hand, or whose meta row is
 * gone), each once; `[]` without a `pgmq` schema.
 */
export async function listQueues(options: ListQueuesOptions = {}): Promise<string[]> {
  const db = options.db ?? getPool();
  const { rows: meta } = await runOnce<{ present: boolean }>(db, metaTableSql);
  const { rows } = await runOnce<{ name: string }>(db, queueListSql(meta[0]!.present));
  return rows.map((row) => row.name).filter((name) => isQueueName(name));
}

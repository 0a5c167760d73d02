/**
 * `completionHistory`: jobs completed per minute over the last hour (or
 * day), what the dashboard charts. A job completes when its worker archives
 * it, so the archive (`pgmq.a_<queue>`) is the record: a queue that deletes
 * on success, or has no archive table, has no history.
 */
import { getPool } from "./connection.js";
import { QueueMissingError } from "./errors.js";
import { type CompletionBucketRow, completionHistoryStatement } from "./sql/completionHistory.js";
import { readQueueColumns } from "./sql/queueColumns.js";
import { validateQueueName } from "./sql/queueNames.js";
import { type Queryable, runStatement } from "./sql/statement.js";

export interface CompletionHistoryOptions {
  /** How many minutes back, the current one included: an integer from 1 to 1440 (a day). (Default: 60) */
  minutes?: number;
  /** Where to look: a pool, or a client. (Default: the shared pool, from `configure()` or `DATABASE_URL`) */
  db?: Queryable;
}

/** The jobs archived in one minute. */
export interface CompletionBucket {
  /** The minute's start (`date_trunc('minute', ...)` in the database). */
  readonly start: Date;
  /** Rows archived from `start` to a minute later. */
  readonly count: number;
}

const MINUTES_DEFAULT = 60;
const MINUTES_MAX = 1440;

function minutesOf(value: number | undefined): number {
  const minutes = value ?? MINUTES_DEFAULT;
  if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > MINUTES_MAX)
    throw new RangeError(`minutes: expected an integer from 1 to ${MINUTES_MAX}, got ${minutes}`);
  return minutes;
}

/**
 * Jobs archived per minute over the last `minutes` minutes, oldest first,
 * one bucket per minute including empty ones; the last bucket is the
 * current, partial minute. null when the queue has no archive table (PGMQ
 * < 1.5 layout, or onSuccess delete that never made one). QueueMissingError
 * when the queue table itself is missing. One statement, which reads the
 * archive's `archived_at` index over those minutes only: its cost is the
 * rows archived in them (a queue archiving 1,000 jobs a second counts
 * 60,000 index entries a minute of history).
 *
 * @example
 * const perMinute = await completionHistory("email", { minutes: 30 });
 * const lastFull = perMinute?.at(-2)?.count ?? 0;
 */
export async function completionHistory(
  queue: string,
  options: CompletionHistoryOptions = {},
): Promise<CompletionBucket[] | null> {
  validateQueueName(queue);
  const minutes = minutesOf(options.minutes);
  const db = options.db ?? getPool();
  const columns = await readQueueColumns(db, queue);
  if (columns === null) throw new QueueMissingError(queue, { reason: "completionHistory does not create queues" });
  if (!columns.archive) return null;
  const { rows } = await runStatement<CompletionBucketRow>(db, completionHistoryStatement(queue), [minutes]);
  return rows.map((row) => ({ start: row.start, count: row.count }));
}

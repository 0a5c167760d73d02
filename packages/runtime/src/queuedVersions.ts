/**
 * `queuedVersionCounts`: how many of a queue's messages each schema version
 * has, so a team knows when a version can be dropped from
 * `previousVersions` (none of its messages is left to upgrade).
 */
import { getPool } from "./connection.js";
import { QueueMissingError } from "./errors.js";
import { VERSION_HEADER } from "./messageVersion.js";
import { readQueueColumns } from "./sql/queueColumns.js";
import { type QueuedVersionCountRow, queuedVersionCountsStatement } from "./sql/queuedVersionCounts.js";
import { type Queryable, runStatement } from "./sql/statement.js";

/** The messages of one version. */
export interface QueuedVersionCount {
  /** The version the messages are stamped with (`VERSION_HEADER`); null when `stamp` is not `"version"`. */
  readonly version: number | null;
  /**
   * `"version"`: stamped with `version`; `"none"`: no stamp (written by
   * another PGMQ client, or before pgmq-gen stamped), tried against each
   * version by a worker; `"invalid"`: a stamp that is not a positive integer
   * (a string, 0, 1.5, null), which a worker dead-letters as undecodable.
   */
  readonly stamp: "version" | "none" | "invalid";
  /** Messages in the queue table with that version: visible, delayed and being worked on. */
  readonly count: number;
}

export interface QueuedVersionCountsOptions {
  /**
   * Where to count: a pool, or a client (inside the caller's transaction, it
   * counts what that transaction sees). (Default: the shared pool, from
   * `configure()` or `DATABASE_URL`)
   */
  db?: Queryable;
}

/**
 * Counts the messages of `queue` (its table `pgmq.q_<queue>`, every row:
 * visible, delayed and in flight) by the schema version stamped in their
 * headers: unstamped messages first, then invalidly stamped ones (both
 * with version null), then one row per version found, by version; an empty
 * queue gives `[]`. A full scan of the queue table, like `PgmqClient.metrics`. A missing queue is a `QueueMissingError`, never created.
 *
 * @example
 * // Version 1 can leave previousVersions once this finds none of it:
 * const counts = await queuedVersionCounts("signup_email");
 * const left = counts.find((row) => row.version === 1)?.count ?? 0;
 */
export async function queuedVersionCounts(
  queue: string,
  options: QueuedVersionCountsOptions = {},
): Promise<QueuedVersionCount[]> {
  const db = options.db ?? getPool();
  const columns = await readQueueColumns(db, queue);
  if (columns === null) throw new QueueMissingError(queue, { reason: "queuedVersionCounts does not create queues" });
  const { rows } = await runStatement<QueuedVersionCountRow>(
    db,
    queuedVersionCountsStatement(queue, columns),
    columns.headers ? [VERSION_HEADER] : [],
  );
  return rows.map((row) => ({
    version: row.version === null ? null : Number(row.version),
    stamp: row.stamp,
    count: Number(row.count),
  }));
}

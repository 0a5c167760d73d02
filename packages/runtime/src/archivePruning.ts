/**
 * Archive retention (issue 15 §3): `pruneArchive` deletes a queue's
 * archived rows older than an age, in batches, one pruner per queue at a
 * time across every process on the database. Workers call it on a timer
 * for queues with an `archiveRetention` (worker/archivePruner.ts);
 * `pgmq-gen prune` calls it on demand.
 */
import { getPool } from "./connection.js";
import { PRUNE_DEFAULTS } from "./defaults.js";
import { QueueMissingError } from "./errors.js";
import { MAX_DATABASE_SECONDS, MAX_PRUNE_BATCH_SIZE } from "./limits.js";
import { readQueueColumns } from "./sql/queueColumns.js";
import {
  type CountArchivedRow,
  countArchivedStatement,
  type DeleteArchivedRow,
  deleteArchivedStatement,
} from "./sql/deleteArchived.js";
import { type Queryable, runStatement } from "./sql/statement.js";

export interface PruneArchiveOptions {
  /**
   * Delete rows archived longer ago than this: 0 (every row archived before
   * the call) to `MAX_DATABASE_SECONDS`. Seconds. A queue's configured
   * `archiveRetention` is its definition's `options.archiveRetention`.
   */
  olderThanSeconds: number;
  /** Rows deleted per statement, each committed on its own. (Default: 1000; at most 100 000) */
  batchSize?: number;
  /**
   * Where to prune: a pool, or a client that is not inside a transaction
   * (each batch must commit on its own, and a transaction would hold the
   * pruning lock until it ends). (Default: the shared pool, from
   * `configure()` or `DATABASE_URL`)
   */
  db?: Queryable;
  /** Count the rows that would be deleted, delete nothing (one index-only count). (Default: false) */
  dryRun?: boolean;
  /** Stop between batches once aborted: the batch under way commits, none follows. (Default: none) */
  signal?: AbortSignal;
}

/** What one `pruneArchive` run did. */
export interface PruneArchiveResult {
  readonly queue: string;
  /** Rows deleted; with `dryRun`, the rows that would have been (none was). */
  readonly deleted: number;
  /** Delete statements run (0 with `dryRun`). */
  readonly batches: number;
  /**
   * Another session held the queue's pruning lock (a worker's pruner, or
   * another `pgmq-gen prune`): the run stopped at that batch and left the
   * rest to it. Never set with `dryRun`.
   */
  readonly lockBusy: boolean;
  /** Rows archived before this moment were pruned (fixed by the first batch, so a run ends while rows keep coming). */
  readonly cutoff: Date;
  /** The queue has no archive table (made by another PGMQ client without one): nothing to prune. */
  readonly noArchive: boolean;
}

function checkOptions(options: PruneArchiveOptions | undefined): { olderThan: number; batchSize: number } {
  const olderThan = options?.olderThanSeconds;
  if (typeof olderThan !== "number" || !Number.isFinite(olderThan) || olderThan < 0 || olderThan > MAX_DATABASE_SECONDS)
    throw new RangeError(
      `pruneArchive: olderThanSeconds must be a number of seconds from 0 to ${MAX_DATABASE_SECONDS}, got ${String(olderThan)}`,
    );
  const batchSize = options?.batchSize ?? PRUNE_DEFAULTS.batchSize;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_PRUNE_BATCH_SIZE)
    throw new RangeError(
      `pruneArchive: batchSize must be a whole number from 1 to ${MAX_PRUNE_BATCH_SIZE}, got ${String(batchSize)}`,
    );
  return { olderThan, batchSize };
}

/**
 * Deletes `queue`'s archived rows (`pgmq.a_<queue>`) older than
 * `olderThanSeconds`, oldest first, in batches of `batchSize`, each its own
 * autocommit statement walking the `archived_at` index, until one deletes
 * fewer (the cutoff is fixed by the first). Each batch takes the queue's
 * transaction-level advisory lock for its own duration: while another
 * session prunes the queue, the run stops at once with `lockBusy` (see
 * sql/deleteArchived.ts for why per batch). Rows another transaction has
 * locked are skipped, never waited for. A missing queue is a
 * `QueueMissingError`, never created; an invalid name a `TypeError`; bad
 * options a `RangeError`.
 *
 * @example
 * // From a cron job, when workers run with pruneArchive: false:
 * const { deleted } = await pruneArchive("email", { olderThanSeconds: 7 * 86_400 });
 */
export async function pruneArchive(queue: string, options: PruneArchiveOptions): Promise<PruneArchiveResult> {
  const { olderThan, batchSize } = checkOptions(options);
  const db = options.db ?? getPool();
  const columns = await readQueueColumns(db, queue);
  if (columns === null) throw new QueueMissingError(queue, { reason: "pruneArchive does not create queues" });
  if (!columns.archive) {
    return { queue, deleted: 0, batches: 0, lockBusy: false, cutoff: new Date(), noArchive: true };
  }
  if (options.dryRun === true) {
    const { rows } = await runStatement<CountArchivedRow>(db, countArchivedStatement(queue), [olderThan]);
    const row = rows[0]!;
    return {
      queue,
      deleted: Number(row.count),
      batches: 0,
      lockBusy: false,
      cutoff: new Date(row.cutoff),
      noArchive: false,
    };
  }
  const statement = deleteArchivedStatement(queue);
  let deleted = 0;
  let batches = 0;
  let cutoff: string | null = null;
  for (;;) {
    const result = await runStatement<DeleteArchivedRow>(db, statement, [olderThan, batchSize, cutoff]);
    const row: DeleteArchivedRow = result.rows[0]!;
    batches++;
    deleted += row.deleted;
    cutoff = row.cutoff;
    const done = !row.held || row.deleted < batchSize || options.signal?.aborted === true;
    if (done) return { queue, deleted, batches, lockBusy: !row.held, cutoff: new Date(row.cutoff), noArchive: false };
  }
}

/**
 * Retention: one batch of deleting a queue's archived rows older than a
 * cutoff (`pgmq.a_<queue>`), oldest first, under the queue's pruning lock.
 * Run as its own autocommit statement per batch, so each holds row locks,
 * the advisory lock and WAL for one batch only.
 */
import { createHash } from "node:crypto";
import { archiveTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface DeleteArchivedRow {
  /** The batch took the queue's pruning lock; false: another session held it, and nothing was deleted. */
  held: boolean;
  /** Rows this batch deleted. */
  deleted: number;
  /** The cutoff this batch used, ISO 8601 in UTC to the microsecond (any DateStyle reads it back): for the next batch. */
  cutoff: string;
}

/**
 * The first key of every pruning lock (`pg_try_advisory_xact_lock(int4,
 * int4)`): the int4 of the first 4 bytes of sha256("pgmq-gen archive
 * pruning"). Two-key advisory locks live apart from one-key (bigint) ones
 * in `pg_locks` (`objsubid` 2), so an application's own bigint locks never
 * collide with these.
 */
export const PRUNE_LOCK_CLASS = createHash("sha256").update("pgmq-gen archive pruning").digest().readInt32BE(0);

/** The second key of `queue`'s pruning lock: the int4 of the first 4 bytes of sha256(queue). Stable across versions. */
export function pruneLockKey(queue: string): number {
  return createHash("sha256").update(queue).digest().readInt32BE(0);
}

/**
 * Parameters: $1 age in seconds (float8), $2 batch size (int), $3 the
 * cutoff of an earlier batch (timestamptz text) or null for
 * `clock_timestamp() - $1 seconds`. Later batches reuse the first one's
 * cutoff, so a run ends even while rows keep being archived.
 *
 * One pruner at a time per queue: the batch first tries the queue's
 * transaction-level advisory lock (`PRUNE_LOCK_CLASS`, `pruneLockKey`),
 * released when the statement commits; without it the batch selects
 * nothing and says so (`held` false), so a second pruner gives up at once
 * instead of waiting or deleting beside the first. A lock per batch rather
 * than per run: it needs no connection held between batches (a session
 * lock would, and a pooled connection that lost its unlock would keep it),
 * and a run that stops half-way leaves nothing behind. Two runs may then
 * alternate batches, never overlap: rows another batch deleted since this
 * statement's snapshot are skipped (READ COMMITTED rechecks them), so
 * nothing is deleted or counted twice. `FOR UPDATE SKIP LOCKED` passes over
 * archived rows another transaction holds (an operator moving them back),
 * so a batch never waits on a row lock: those rows go in a later run.
 *
 * Cost is O(batch): `ORDER BY archived_at` makes `archived_at_idx_<queue>`
 * the access path, and the cutoff comes from a sub-select, so it is a
 * bound of that index scan (`Index Cond`), not a filter (a volatile
 * `clock_timestamp()` in the WHERE would be): the last batch stops at the
 * first younger row instead of reading them all. The ids then go through
 * the primary key. Entries of rows deleted by earlier batches stay in the
 * index until VACUUM; after a large run, vacuum the archive. (On an archive
 * of a few batches' size the planner may take a seq scan and top-N sort
 * instead: a cost of the same order.)
 *
 * A partitioned archive (PGMQ's `create_partitioned`) should plan as a
 * MergeAppend of each partition's archived_at index; not tested.
 */
export function deleteArchivedStatement(queue: string): Statement {
  const archive = archiveTable(queue);
  return statement(
    "delete_archived",
    `WITH lock AS MATERIALIZED (
       SELECT pg_try_advisory_xact_lock(${PRUNE_LOCK_CLASS}, ${pruneLockKey(queue)}) AS held
     ), cutoff AS (
       SELECT coalesce($3::timestamptz, clock_timestamp() - make_interval(secs => $1::float8)) AS at
     ), deleted AS (
       DELETE FROM ${archive}
        WHERE msg_id = ANY (ARRAY(
          SELECT msg_id FROM ${archive}
           WHERE (SELECT held FROM lock) AND archived_at < (SELECT at FROM cutoff)
           ORDER BY archived_at
           LIMIT $2::int
           FOR UPDATE SKIP LOCKED))
       RETURNING 1
     )
     SELECT (SELECT held FROM lock) AS held, (SELECT count(*) FROM deleted)::int AS deleted, (SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM cutoff) AS cutoff`,
  );
}

export interface CountArchivedRow {
  /** Archived rows older than the cutoff. */
  count: string;
  /** As `DeleteArchivedRow.cutoff`. */
  cutoff: string;
}

/**
 * What `deleteArchivedStatement` would delete, counted: $1 age in seconds
 * (float8). An index-only scan of `archived_at_idx_<queue>` up to the
 * cutoff: O(rows counted), for a dry run, never for a loop.
 */
export function countArchivedStatement(queue: string): Statement {
  const archive = archiveTable(queue);
  return statement(
    "count_archived",
    `WITH cutoff AS (SELECT clock_timestamp() - make_interval(secs => $1::float8) AS at)
     SELECT (SELECT count(*) FROM ${archive} WHERE archived_at < (SELECT at FROM cutoff))::text AS count,
            (SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM cutoff) AS cutoff`,
  );
}

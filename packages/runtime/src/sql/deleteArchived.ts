/**
 * Retention: one batch of deleting a queue's archived rows older than a
 * cutoff (`pgmq.a_<queue>`), oldest first. Run as its own autocommit
 * statement per batch, so each holds row locks and WAL for one batch only.
 */
import { archiveTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface DeleteArchivedRow {
  /** Rows this batch deleted. */
  deleted: number;
  /** The cutoff this batch used, ISO 8601 in UTC to the microsecond (any DateStyle reads it back): for the next batch. */
  cutoff: string;
}

/**
 * Parameters: $1 age in seconds (float8), $2 batch size (int), $3 the
 * cutoff of an earlier batch (timestamptz text) or null for
 * `clock_timestamp() - $1 seconds`. Later batches reuse the first one's
 * cutoff, so a run ends even while rows keep being archived.
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
    `WITH cutoff AS (
       SELECT coalesce($3::timestamptz, clock_timestamp() - make_interval(secs => $1::float8)) AS at
     ), deleted AS (
       DELETE FROM ${archive}
        WHERE msg_id = ANY (ARRAY(
          SELECT msg_id FROM ${archive}
           WHERE archived_at < (SELECT at FROM cutoff)
           ORDER BY archived_at
           LIMIT $2::int))
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM deleted)::int AS deleted, (SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM cutoff) AS cutoff`,
  );
}

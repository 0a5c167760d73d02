/**
 * Jobs completed per minute: the archive's rows counted by the minute of
 * their `archived_at`, for the dashboard's throughput chart.
 */
import { archiveTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface CompletionBucketRow {
  start: Date;
  count: number;
}

/**
 * Parameters: $1 the minutes (int, at least 1). One row per minute, oldest
 * first, from `date_trunc('minute', now())` less $1 - 1 minutes to the
 * current minute, with the rows archived in it (0 for none). `now()`, as
 * PGMQ's archive stamps `archived_at` (the transaction's start), so in a
 * caller's transaction the buckets are that transaction's minutes. Only the
 * rows of those minutes are read, through `archived_at_idx_<queue>`; a
 * row archived after the current minute (a clock set back) is left out.
 */
export function completionHistoryStatement(queue: string): Statement {
  return statement(
    "completion_history",
    `WITH span AS (
       SELECT date_trunc('minute', now()) - ($1::int - 1) * interval '1 minute' AS first,
              date_trunc('minute', now()) AS last
     ),
     counted AS (
       SELECT date_trunc('minute', a.archived_at) AS start, count(*)::int AS count
         FROM ${archiveTable(queue)} AS a
        WHERE a.archived_at >= (SELECT first FROM span)
          AND a.archived_at < (SELECT last FROM span) + interval '1 minute'
        GROUP BY 1
     )
     SELECT b.start, coalesce(c.count, 0) AS count
       FROM span, generate_series(span.first, span.last, interval '1 minute') AS b(start)
       LEFT JOIN counted AS c ON c.start = b.start
      ORDER BY b.start`,
  );
}

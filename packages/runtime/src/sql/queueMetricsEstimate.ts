/**
 * A queue's figures for dashboards and status, each costing what it
 * returns rather than the queue's length (PGMQ's `metrics`, queueMetrics.ts,
 * counts every row).
 */
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface QueueMetricsEstimateRow {
  /** Visible messages counted, up to the cap plus one (one more than the cap means capped). */
  visible_count: number;
  oldest_msg_age_sec: number | null;
  oldest_visible_wait_sec: number | null;
  /** The statistics system's live tuples (`n_live_tup`), moved by every committed insert and delete. */
  live_tuples: bigint;
  /** The statistics system counted something for the table since its last reset. */
  counted: boolean;
  /** `pg_class.reltuples`: rows at the last VACUUM or ANALYZE; -1 before the first. */
  reltuples: number;
  total_messages: bigint;
}

/**
 * Parameters: $1 the visible cap (int), $2 the queue table's name
 * (`pgmq.q_<queue>`). Every scan is bounded:
 * - the visible count reads at most cap + 1 entries of `q_<queue>_vt_idx`
 *   (`ORDER BY vt` keeps that index the access path), index-only where the
 *   visibility map allows;
 * - the oldest message is the first entry of the primary key (ids are
 *   handed out in enqueue order, up to concurrent transactions), the oldest
 *   visible one the first entry of the vt index;
 * - the length comes from the catalog and the statistics system.
 * "Now" is one `clock_timestamp()` read through a sub-select, so `vt <= now`
 * is an index bound; `clock_timestamp()` itself, volatile, would only be a
 * filter. Entries of rows deleted since the last VACUUM are still walked
 * over (mostly skipped once marked dead in the index).
 */
export function queueMetricsEstimateStatement(queue: string): Statement {
  const table = queueTable(queue);
  return statement(
    "metrics_estimate",
    `WITH clock AS (SELECT clock_timestamp() AS now)
     SELECT (SELECT count(*) FROM (
               SELECT 1 FROM ${table} WHERE vt <= (SELECT now FROM clock) ORDER BY vt LIMIT $1::int + 1
             ) AS visible)::int AS visible_count,
            (SELECT floor(extract(epoch FROM ((SELECT now FROM clock) - enqueued_at)))::float8
               FROM ${table} ORDER BY msg_id LIMIT 1) AS oldest_msg_age_sec,
            (SELECT floor(extract(epoch FROM ((SELECT now FROM clock) - vt)))::float8
               FROM ${table} WHERE vt <= (SELECT now FROM clock) ORDER BY vt LIMIT 1) AS oldest_visible_wait_sec,
            pg_stat_get_live_tuples(t.oid) AS live_tuples,
            pg_stat_get_live_tuples(t.oid) + pg_stat_get_dead_tuples(t.oid)
              + pg_stat_get_tuples_inserted(t.oid) + pg_stat_get_tuples_deleted(t.oid) > 0 AS counted,
            t.reltuples::float8 AS reltuples,
            coalesce(pg_sequence_last_value(pg_get_serial_sequence($2::text, 'msg_id')::regclass), 0)::int8
              AS total_messages
       FROM pg_class AS t
      WHERE t.oid = $2::text::regclass`,
  );
}

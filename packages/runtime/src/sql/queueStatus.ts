/**
 * The statements behind `queueStatus` (`pgmq-gen status`): which tables a
 * set of queues has, every PGMQ queue of the database, and per queue its
 * counts, each bounded by a cap so a refresh costs what it returns, not the
 * queue's length (PGMQ's `metrics`, queueMetrics.ts, counts every row).
 */
import { archiveTable, queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/** Parameters: $1 the queue names (text[]). One row per name: whether its queue and archive tables exist. */
export const queueTablesSql = `SELECT q.name AS queue,
         to_regclass('pgmq.' || quote_ident('q_' || q.name)) IS NOT NULL AS queue_table,
         to_regclass('pgmq.' || quote_ident('a_' || q.name)) IS NOT NULL AS archive_table
    FROM unnest($1::text[]) AS q(name)`;

export interface QueueTablesRow {
  queue: string;
  queue_table: boolean;
  archive_table: boolean;
}

/** The columns of a queue table that `queueStatusStatement` reads. */
const STATUS_COLUMNS = ["msg_id", "read_ct", "enqueued_at", "vt"];

/**
 * Every queue the database has: the rows of `pgmq.meta` (when it exists:
 * `withMeta`) and the tables named `pgmq.q_<name>` with PGMQ's columns (a
 * queue made by hand or whose meta row is gone; another table that happens
 * to be named so is no queue), partitions of a partitioned queue left out.
 */
export function queueListSql(withMeta: boolean): string {
  const meta = withMeta ? "SELECT queue_name::text AS name FROM pgmq.meta UNION " : "";
  const columns = STATUS_COLUMNS.map((column) => `'${column}'`).join(", ");
  return `SELECT name FROM (
    ${meta}SELECT substr(c.relname::text, 3) AS name
      FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
     WHERE n.nspname = 'pgmq' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname LIKE 'q\\_%'
       AND (SELECT count(*) FROM pg_catalog.pg_attribute AS a
             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
               AND a.attname IN (${columns})) = ${STATUS_COLUMNS.length}
  ) AS queues ORDER BY name`;
}

/** Does `pgmq.meta` exist? */
export const metaTableSql = `SELECT to_regclass('pgmq.meta') IS NOT NULL AS present`;

/**
 * A table's row count from the catalog and the statistics system, for when
 * a bounded count stopped at its cap: the statistics' live tuples, moved by
 * every committed insert and delete within about a second; `reltuples` (last
 * VACUUM or ANALYZE, -1 before the first) when the statistics counted
 * nothing for the table. As `metricsEstimate` reads them (queueMetricsEstimate.ts).
 */
function rowEstimateColumns(oid: string, prefix: string): string {
  return `pg_stat_get_live_tuples(${oid}) AS ${prefix}_live_tuples,
          pg_stat_get_live_tuples(${oid}) + pg_stat_get_dead_tuples(${oid})
            + pg_stat_get_tuples_inserted(${oid}) + pg_stat_get_tuples_deleted(${oid}) > 0 AS ${prefix}_counted,
          (SELECT reltuples::float8 FROM pg_catalog.pg_class WHERE oid = ${oid}) AS ${prefix}_reltuples`;
}

/** The statistics columns `rowEstimateColumns` gives, under their prefix. */
export interface RowEstimate {
  live_tuples: bigint;
  counted: boolean;
  reltuples: number;
}

export interface QueueStatusRow {
  /** Visible messages counted, up to the cap. */
  visible_count: number;
  /** Age of the oldest of the visible messages counted; null when none is visible. */
  oldest_age_sec: number | null;
  /** Messages not visible counted (in flight and delayed), up to the cap: the ones nearest to visibility. */
  hidden_count: number;
  /** Of `hidden_count`, those read at least once (`read_ct > 0`). */
  in_flight_count: number;
  queue_live_tuples: bigint;
  queue_counted: boolean;
  queue_reltuples: number;
  /** The archive's rows counted, up to the cap; null without an archive table (nor the columns below). */
  archived_count?: number | null;
  completed_minute?: number;
  completed_hour?: number;
  archive_live_tuples?: bigint;
  archive_counted?: boolean;
  archive_reltuples?: number;
}

/**
 * Parameters: $1 the cap (int), $2 the queue table's name
 * (`pgmq.q_<queue>`), and with `archive`, $3 the archive's
 * (`pgmq.a_<queue>`). Every scan is bounded by the cap:
 * - visible messages are read in `q_<queue>_vt_idx` order from the start
 *   (`vt <= now`), up to the cap, with their `enqueued_at` for the oldest
 *   age; messages not visible from now on (`vt > now`), up to the cap, with
 *   their `read_ct` to tell in flight (read) from delayed (never read);
 * - the archive's rows by its primary key, and those archived in the last
 *   minute and hour by `archived_at_idx_<queue>`, each up to the cap;
 * - the rest comes from the catalog and the statistics system.
 * "Now" is one `clock_timestamp()` read through a sub-select, so `vt <= now`
 * and `archived_at > now - ...` are index bounds (see queueMetricsEstimate.ts).
 */
export function queueStatusStatement(queue: string, archive: boolean): Statement {
  const table = queueTable(queue);
  const now = "(SELECT now FROM clock)";
  const archiveColumns = archive
    ? `,
       (SELECT count(*) FROM (SELECT 1 FROM ${archiveTable(queue)} ORDER BY msg_id LIMIT $1::int) AS a)::int
         AS archived_count,
       (SELECT count(*) FROM (SELECT 1 FROM ${archiveTable(queue)}
                               WHERE archived_at > ${now} - interval '1 minute' ORDER BY archived_at LIMIT $1::int) AS m)::int
         AS completed_minute,
       (SELECT count(*) FROM (SELECT 1 FROM ${archiveTable(queue)}
                               WHERE archived_at > ${now} - interval '1 hour' ORDER BY archived_at LIMIT $1::int) AS h)::int
         AS completed_hour,
       ${rowEstimateColumns("$3::text::regclass", "archive")}`
    : "";
  return statement(
    "queue_status",
    `WITH clock AS (SELECT clock_timestamp() AS now)
     SELECT v.visible_count, floor(extract(epoch FROM (${now} - v.oldest)))::float8 AS oldest_age_sec,
            h.hidden_count, h.in_flight_count,
            ${rowEstimateColumns("$2::text::regclass", "queue")}${archiveColumns}
       FROM (SELECT count(*)::int AS visible_count, min(enqueued_at) AS oldest
               FROM (SELECT enqueued_at FROM ${table} WHERE vt <= ${now} ORDER BY vt LIMIT $1::int) AS s) AS v,
            (SELECT count(*)::int AS hidden_count, (count(*) FILTER (WHERE read_ct > 0))::int AS in_flight_count
               FROM (SELECT read_ct FROM ${table} WHERE vt > ${now} ORDER BY vt LIMIT $1::int) AS s) AS h`,
  );
}

export interface QueueLengthRow {
  /** Rows counted, up to the cap. */
  row_count: number;
  length_live_tuples: bigint;
  length_counted: boolean;
  length_reltuples: number;
}

/**
 * Parameters: $1 the cap (int), $2 the queue table's name. Its rows (every
 * message, visible or not) by the primary key, up to the cap, with the
 * statistics for an estimate past it: a dead-letter queue's length.
 */
export function queueLengthStatement(queue: string): Statement {
  return statement(
    "queue_length",
    `SELECT (SELECT count(*) FROM (SELECT 1 FROM ${queueTable(queue)} ORDER BY msg_id LIMIT $1::int) AS s)::int AS row_count,
            ${rowEstimateColumns("$2::text::regclass", "length")}`,
  );
}

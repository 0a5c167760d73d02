/** PGMQ's `metrics` for one queue. */
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface QueueMetricsRow {
  queue_length: bigint;
  oldest_msg_age_sec: number | null;
  total_messages: bigint;
}

/**
 * Parameters: $1 the queue table's name (`pgmq.q_<queue>`, for the identity
 * sequence lookup). `queue_length` counts every message, visible or not (as
 * PGMQ does); `total_messages` is the last id handed out (0 before the first).
 */
export function queueMetricsStatement(queue: string): Statement {
  return statement(
    "metrics",
    `SELECT count(*) AS queue_length,
            floor(extract(epoch FROM (now() - min(enqueued_at))))::float8 AS oldest_msg_age_sec,
            coalesce(pg_sequence_last_value(pg_get_serial_sequence($1::text, 'msg_id')::regclass), 0)::int8
              AS total_messages
       FROM ${queueTable(queue)}`,
  );
}

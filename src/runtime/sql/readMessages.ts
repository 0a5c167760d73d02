/**
 * PGMQ's `read`: take up to `quantity` visible messages in id order,
 * skipping rows other readers hold, and hide them for the visibility timeout.
 */
import type { QueueColumns } from "./queueColumns.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface MessageRow {
  msg_id: bigint;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  message: unknown;
  headers: unknown;
}

/**
 * Parameters: $1 quantity (int), $2 visibility timeout (float8 seconds).
 * Returns the rows taken, ordered by `msg_id`, with `read_ct` already
 * counting this delivery (1 on the first).
 */
export function readMessagesStatement(queue: string, columns: QueueColumns): Statement {
  const table = queueTable(queue);
  const lastReadAt = columns.lastReadAt ? ", last_read_at = clock_timestamp()" : "";
  const headers = columns.headers ? "m.headers" : "NULL::jsonb AS headers";
  const text = `WITH visible AS (
      SELECT msg_id FROM ${table}
       WHERE vt <= clock_timestamp()
       ORDER BY msg_id
       LIMIT $1::int
       FOR UPDATE SKIP LOCKED
    ), taken AS (
      UPDATE ${table} AS m
         SET vt = clock_timestamp() + make_interval(secs => $2::float8),
             read_ct = m.read_ct + 1${lastReadAt}
        FROM visible
       WHERE m.msg_id = visible.msg_id
      RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message, ${headers}
    )
    SELECT msg_id, read_ct, enqueued_at, vt, message, headers FROM taken ORDER BY msg_id`;
  return statement("read", text);
}

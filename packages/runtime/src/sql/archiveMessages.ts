/**
 * PGMQ's `archive`: move messages to `pgmq.a_<queue>` in one statement
 * (delete returning, insert), so a message is never in both tables or neither.
 */
import type { QueueColumns } from "./queueColumns.js";
import { archiveTable, queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/**
 * Parameters: $1 message ids (text[] cast to bigint[]). Returns `msg_id` of
 * each message archived; ids not in the queue are skipped.
 * `archived_at` takes its default (now()).
 */
export function archiveMessagesStatement(queue: string, columns: QueueColumns): Statement {
  // Only columns both tables have: an archive made by an older PGMQ may lack some.
  const moved = ["msg_id", "read_ct", "enqueued_at", "vt", "message"];
  if (columns.headers && columns.archiveHeaders) moved.push("headers");
  if (columns.lastReadAt && columns.archiveLastReadAt) moved.push("last_read_at");
  const list = moved.join(", ");
  const text = `WITH archived AS (
      DELETE FROM ${queueTable(queue)} WHERE msg_id = ANY($1::bigint[])
      RETURNING ${list}
    )
    INSERT INTO ${archiveTable(queue)} (${list})
    SELECT ${list} FROM archived
    RETURNING msg_id`;
  return statement("archive", text);
}

/**
 * Killed messages: copied into the dead-letter queue and deleted from their
 * queue in one statement (data-modifying CTEs run together), so a message is
 * never lost between the two nor left in both.
 */
import type { QueueColumns } from "./queueColumns.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/** Header under which the dead-letter record is stored. */
export const DEAD_LETTER_HEADER = "x-pgmq-gen-dead-letter";

/**
 * Parameters: $1 message ids (text[] cast to bigint[]), $2 reasons (text[]),
 * $3 attempts (int[]), $4 the deliveries' `read_ct` (int[]; an element that
 * is NULL does not fence), then $5 source queue name (text) only when the
 * dead-letter table has `headers` (PGMQ 1.5+). A message is moved only while
 * its `read_ct` is still its delivery's, so a stale holder never kills a job
 * another worker now holds. The dead-letter message
 * keeps the original message; its headers are the original headers (when
 * an object) plus `x-pgmq-gen-dead-letter: { error, attempts, sourceQueue,
 * sourceMsgId, killedAt }`. It is visible at once. Returns the source
 * `msg_id` and `read_ct` of each message moved. `m.msg_id = ANY ($1)` keeps
 * the primary key the access path in every plan (see setVisibility.ts).
 */
export function deadLetterMessagesStatement(
  queue: string,
  deadLetterQueue: string,
  sourceColumns: QueueColumns,
  deadLetterColumns: QueueColumns,
): Statement {
  const originalHeaders = sourceColumns.headers
    ? "CASE WHEN jsonb_typeof(removed.headers) = 'object' THEN removed.headers ELSE '{}'::jsonb END"
    : "'{}'::jsonb";
  const record = `jsonb_build_object('${DEAD_LETTER_HEADER}', jsonb_build_object(
          'error', removed.reason,
          'attempts', removed.attempts,
          'sourceQueue', $5::text,
          'sourceMsgId', removed.msg_id::text,
          'killedAt', clock_timestamp()))`;
  const insert = deadLetterColumns.headers
    ? `INSERT INTO ${queueTable(deadLetterQueue)} (vt, message, headers)
       SELECT clock_timestamp(), removed.message, ${originalHeaders} || ${record}
         FROM removed ORDER BY removed.msg_id`
    : `INSERT INTO ${queueTable(deadLetterQueue)} (vt, message)
       SELECT clock_timestamp(), removed.message FROM removed ORDER BY removed.msg_id`;
  const text = `WITH entry AS (
      SELECT DISTINCT ON (msg_id, read_ct) msg_id, reason, attempts, read_ct
        FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[]) AS entry(msg_id, reason, attempts, read_ct)
    ), removed AS (
      DELETE FROM ${queueTable(queue)} AS m USING entry
       WHERE m.msg_id = entry.msg_id AND (entry.read_ct IS NULL OR m.read_ct = entry.read_ct)
         AND m.msg_id = ANY ($1::bigint[])
      RETURNING m.msg_id, m.read_ct, m.message, ${sourceColumns.headers ? "m.headers" : "NULL::jsonb AS headers"}, entry.reason, entry.attempts
    ), moved AS (
      ${insert}
      RETURNING msg_id
    )
    SELECT removed.msg_id, removed.read_ct FROM removed ORDER BY removed.msg_id`;
  return statement("dead_letter", text);
}

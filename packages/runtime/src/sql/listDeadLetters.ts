/**
 * Reading a source queue's dead letters without changing them: a page of
 * them, how many there are, one of them, and the bounds a batched run
 * fixes before it starts.
 */
import { DEAD_LETTER_RECORD, DEAD_LETTER_SELECTION } from "./deadLetterSelection.js";
import { boundedPayloadColumns } from "./boundedPayload.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface DeadLetterRow {
  msg_id: bigint;
  enqueued_at: Date;
  read_ct: number;
  vt: Date;
  message: unknown;
  /** The payload's stored size in bytes (boundedPayload.ts). */
  payload_bytes: number;
  headers: Record<string, unknown>;
}

/**
 * Parameters: the selection's $1-$6 (deadLetterSelection.ts), then $7 the
 * most rows (int), $8 the largest payload returned (int4 bytes; NULL: any;
 * a larger one is NULL, its size in `payload_bytes`). The rows in id
 * order, payload and headers included.
 */
export function listDeadLettersStatement(deadLetterQueue: string): Statement {
  return statement(
    "list_dead_letters",
    `SELECT d.msg_id, d.enqueued_at, d.read_ct, d.vt, ${boundedPayloadColumns("d", "$8")}, d.headers
       FROM ${queueTable(deadLetterQueue)} AS d
      WHERE ${DEAD_LETTER_SELECTION}
      ORDER BY d.msg_id
      LIMIT $7::int`,
  );
}

/** Parameters: the selection's $1-$6. One row: `count` (int8). A scan of the dead-letter queue. */
export function countDeadLettersStatement(deadLetterQueue: string): Statement {
  return statement(
    "count_dead_letters",
    `SELECT count(*)::int8 AS count FROM ${queueTable(deadLetterQueue)} AS d WHERE ${DEAD_LETTER_SELECTION}`,
  );
}

/**
 * Parameters: $1 age in seconds (float8; NULL for none). One row: the last
 * id of the dead-letter queue now (`up_to`, NULL when empty) and the cutoff
 * `clock_timestamp() - $1 seconds` (`cutoff`, ISO 8601 in UTC to the
 * microsecond, NULL without an age), so every batch of a run selects
 * against the same bounds.
 */
export function deadLetterBoundsStatement(deadLetterQueue: string): Statement {
  return statement(
    "dead_letter_bounds",
    `SELECT (SELECT max(msg_id) FROM ${queueTable(deadLetterQueue)}) AS up_to,
            to_char((clock_timestamp() - make_interval(secs => $1::float8)) AT TIME ZONE 'UTC',
                    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cutoff`,
  );
}

/** Parameters: $1 source queue (text), $2 dead-letter message id (bigint). The row, if it is that queue's dead letter. */
export function showDeadLetterStatement(deadLetterQueue: string): Statement {
  return statement(
    "show_dead_letter",
    `SELECT d.msg_id, d.enqueued_at, d.read_ct, d.vt, ${boundedPayloadColumns("d", "NULL")}, d.headers
       FROM ${queueTable(deadLetterQueue)} AS d
      WHERE d.msg_id = $2::bigint AND ${DEAD_LETTER_RECORD} ->> 'sourceQueue' = $1::text`,
  );
}

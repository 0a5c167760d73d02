/**
 * Where one message of a queue is: in the queue (queued, delayed or in
 * flight), in its archive, or dead-lettered. Plain selects: looking changes
 * nothing, not even `read_ct`.
 */
import { DEAD_LETTER_RECORD } from "./deadLetterSelection.js";
import type { QueueColumns } from "./queueColumns.js";
import { archiveTable, queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/**
 * A queue row's state, in SQL over a row `m`: `queued` once visible
 * (`vt` passed, a retry waiting for a worker included), `delayed` while
 * invisible and never read (a push with a delay), `in_flight` while
 * invisible after a read: a worker holds it, or it waits out a retry's
 * backoff (PGMQ's row does not tell the two apart).
 */
export const MESSAGE_STATE = `CASE WHEN m.vt <= clock_timestamp() THEN 'queued'
            WHEN m.read_ct = 0 THEN 'delayed'
            ELSE 'in_flight' END`;

export interface FoundMessageRow {
  state: "queued" | "delayed" | "in_flight" | "archived" | "dead_lettered";
  msg_id: bigint;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  archived_at: Date | null;
  message: unknown;
  headers: Record<string, unknown> | null;
}

/** Parameters: $1 message id (bigint). The row with its state, or none. */
export function findQueuedMessageStatement(queue: string, columns: QueueColumns): Statement {
  const headers = columns.headers ? "m.headers" : "NULL::jsonb AS headers";
  return statement(
    "find_queued_message",
    `SELECT ${MESSAGE_STATE} AS state, m.msg_id, m.read_ct, m.enqueued_at, m.vt, NULL::timestamptz AS archived_at,
            m.message, ${headers}
       FROM ${queueTable(queue)} AS m WHERE m.msg_id = $1::bigint`,
  );
}

/** Parameters: $1 message id (bigint). The archived row, or none. */
export function findArchivedMessageStatement(queue: string, columns: QueueColumns): Statement {
  const headers = columns.archiveHeaders ? "a.headers" : "NULL::jsonb AS headers";
  return statement(
    "find_archived_message",
    `SELECT 'archived' AS state, a.msg_id, a.read_ct, a.enqueued_at, a.vt, a.archived_at, a.message, ${headers}
       FROM ${archiveTable(queue)} AS a WHERE a.msg_id = $1::bigint`,
  );
}

/**
 * Parameters: $1 source queue (text), $2 the message's id in it (text, as
 * the record holds it). Its latest dead letter (a message redriven and
 * killed again has one per kill, only the last still there), or none. A scan
 * of the dead-letter queue: the record is not indexed.
 */
export function findDeadLetteredMessageStatement(deadLetterQueue: string): Statement {
  return statement(
    "find_dead_lettered_message",
    `SELECT 'dead_lettered' AS state, d.msg_id, d.read_ct, d.enqueued_at, d.vt, NULL::timestamptz AS archived_at,
            d.message, d.headers
       FROM ${queueTable(deadLetterQueue)} AS d
      WHERE ${DEAD_LETTER_RECORD} ->> 'sourceQueue' = $1::text AND ${DEAD_LETTER_RECORD} ->> 'sourceMsgId' = $2::text
      ORDER BY d.msg_id DESC
      LIMIT 1`,
  );
}

/**
 * One batch of a redrive: dead letters moved from the dead-letter queue back
 * to the queue they came from, in one statement (data-modifying CTEs run
 * together, in one transaction), so a redrive killed at any moment has
 * moved each message exactly once or not at all: never lost between the
 * tables, never in both.
 */
import { DEAD_LETTER_HEADER } from "./deadLetterMessages.js";
import { DEAD_LETTER_SELECTION } from "./deadLetterSelection.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/** The header listing a message's earlier dead-letterings, oldest first, one entry per redrive. */
export const REDRIVEN_HEADER = "x-pgmq-gen-redriven";

export interface DeadLetterBatchRow {
  /** Rows this batch moved (or deleted). */
  count: number;
  /** The highest dead-letter id among them: the next batch's cursor; null when none. */
  last_id: bigint | null;
}

/**
 * Parameters: the selection's $1-$6 (deadLetterSelection.ts), $7 batch
 * size (int), $8 the dead-letter queue's name (text, for the record).
 *
 * The batch is taken in id order `FOR UPDATE SKIP LOCKED`: two redrives (or
 * a redrive and a purge) never take the same row, and a row one holds is
 * left to it. Each message goes back as new: a new id, visible at once,
 * `read_ct` 0, so it gets every attempt again. Its headers are the ones it
 * was dead-lettered with, the version stamp included, less the dead-letter
 * record, which is appended, with `deadLetterQueue`, `deadLetterMsgId` and
 * `redrivenAt`, to the `x-pgmq-gen-redriven` list (a value there that is not
 * a list is replaced). A source table without `headers` (PGMQ before 1.5)
 * gets the message alone.
 */
export function redriveDeadLettersStatement(
  sourceQueue: string,
  deadLetterQueue: string,
  sourceHasHeaders: boolean,
): Statement {
  const history = `CASE WHEN jsonb_typeof(removed.headers -> '${REDRIVEN_HEADER}') = 'array'
                        THEN removed.headers -> '${REDRIVEN_HEADER}' ELSE '[]'::jsonb END`;
  const entry = `(removed.headers -> '${DEAD_LETTER_HEADER}') || jsonb_build_object(
                   'deadLetterQueue', $8::text,
                   'deadLetterMsgId', removed.msg_id::text,
                   'redrivenAt', clock_timestamp())`;
  const headers = `(removed.headers - '${DEAD_LETTER_HEADER}')
                   || jsonb_build_object('${REDRIVEN_HEADER}', ${history} || jsonb_build_array(${entry}))`;
  const insert = sourceHasHeaders
    ? `INSERT INTO ${queueTable(sourceQueue)} (vt, message, headers)
       SELECT clock_timestamp(), removed.message, ${headers} FROM removed ORDER BY removed.msg_id`
    : `INSERT INTO ${queueTable(sourceQueue)} (vt, message)
       SELECT clock_timestamp(), removed.message FROM removed ORDER BY removed.msg_id`;
  return statement(
    "redrive_dead_letters",
    `WITH picked AS (
       SELECT d.msg_id FROM ${queueTable(deadLetterQueue)} AS d
        WHERE ${DEAD_LETTER_SELECTION}
        ORDER BY d.msg_id
        LIMIT $7::int
          FOR UPDATE SKIP LOCKED
     ), removed AS (
       DELETE FROM ${queueTable(deadLetterQueue)} AS d
        WHERE d.msg_id IN (SELECT msg_id FROM picked)
       RETURNING d.msg_id, d.message, d.headers
     ), inserted AS (
       ${insert}
       RETURNING msg_id
     )
     SELECT (SELECT count(*) FROM inserted)::int AS count, (SELECT max(msg_id) FROM removed) AS last_id`,
  );
}

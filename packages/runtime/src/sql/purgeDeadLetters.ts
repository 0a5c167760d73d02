/**
 * One batch of purging a source queue's dead letters: deleted for good, in
 * id order, `FOR UPDATE SKIP LOCKED` (a row a redrive holds is left to it).
 * Each batch is its own statement, so it holds locks and WAL for one batch.
 */
import { DEAD_LETTER_SELECTION } from "./deadLetterSelection.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/** Parameters: the selection's $1-$6 (deadLetterSelection.ts), $7 batch size (int). One `DeadLetterBatchRow`. */
export function purgeDeadLettersStatement(deadLetterQueue: string): Statement {
  return statement(
    "purge_dead_letters",
    `WITH picked AS (
       SELECT d.msg_id FROM ${queueTable(deadLetterQueue)} AS d
        WHERE ${DEAD_LETTER_SELECTION}
        ORDER BY d.msg_id
        LIMIT $7::int
          FOR UPDATE SKIP LOCKED
     ), removed AS (
       DELETE FROM ${queueTable(deadLetterQueue)} WHERE msg_id IN (SELECT msg_id FROM picked)
       RETURNING msg_id
     )
     SELECT count(*)::int AS count, max(msg_id) AS last_id FROM removed`,
  );
}

/** PGMQ's `delete`: remove messages for good. */
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/** Parameters: $1 message ids (text[] cast to bigint[]). Returns `msg_id` of each message deleted. */
export function deleteMessagesStatement(queue: string): Statement {
  return statement(
    "delete",
    `DELETE FROM ${queueTable(queue)} WHERE msg_id = ANY($1::bigint[]) RETURNING msg_id`,
  );
}

/**
 * `job cancel`: deleting one message that no worker holds. pg-boss cancels
 * only jobs not yet started, for the same reason: a running job's handler
 * goes on, and its ack would find nothing.
 */
import { MESSAGE_STATE } from "./findMessage.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface CancelledMessageRow {
  state: "queued" | "delayed" | "in_flight";
}

/**
 * Parameters: $1 message id (bigint), $2 delete it in flight too (bool).
 * Deletes the message unless it is in flight (see MESSAGE_STATE) and $2 is
 * false; returns its state at the delete, or no row. A read that holds the
 * row meanwhile is waited for, and the condition checked again on the row
 * it left: a message a worker just took is not deleted under it.
 */
export function cancelMessageStatement(queue: string): Statement {
  return statement(
    "cancel_message",
    `DELETE FROM ${queueTable(queue)} AS m
      WHERE m.msg_id = $1::bigint AND ($2::bool OR m.vt <= clock_timestamp() OR m.read_ct = 0)
     RETURNING ${MESSAGE_STATE} AS state`,
  );
}

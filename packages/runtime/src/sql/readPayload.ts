/**
 * A message's payload on its own, for a message the bounded read took with
 * its payload left out (see `readMessagesWithinStatement`). A plain select:
 * the read already hid the message and counted the delivery, and PGMQ never
 * changes a stored payload, so there is nothing to lock.
 */
import type { QueueColumns } from "./queueColumns.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface PayloadRow {
  message: unknown;
  headers: unknown;
}

/** Parameters: $1 message id (text cast to bigint). Returns one row, or none when the message is gone. */
export function readPayloadStatement(queue: string, columns: QueueColumns): Statement {
  const headers = columns.headers ? "headers" : "NULL::jsonb AS headers";
  return statement("read_payload", `SELECT message, ${headers} FROM ${queueTable(queue)} WHERE msg_id = $1::bigint`);
}

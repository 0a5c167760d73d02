/** PGMQ's `purge_queue`: delete every message of a queue (the archive is kept). */
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/** No parameters; the result's `rowCount` is the number of messages deleted. */
export function purgeQueueStatement(queue: string): Statement {
  return statement("purge", `DELETE FROM ${queueTable(queue)}`);
}

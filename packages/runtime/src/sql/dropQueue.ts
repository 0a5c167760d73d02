/**
 * PGMQ's `drop_queue`. Where PGMQ manages the queue its tables belong to the
 * extension and only its own function may drop them.
 */
import { archiveTable, queueTable } from "./queueNames.js";

/** Parameters: $1 queue name. */
export const dropQueueWithPgmqSql = `SELECT pgmq.drop_queue($1::text)`;

/** Parameters: $1 queue name. Run with `DROP TABLE IF EXISTS` of both tables, in one transaction. */
export const deleteMetaSql = `DELETE FROM pgmq.meta WHERE queue_name = $1::text`;

/** Both tables of a queue created without PGMQ (the sequence and indexes go with them). */
export function dropQueueTablesSql(queue: string): string {
  return `DROP TABLE IF EXISTS ${queueTable(queue)}; DROP TABLE IF EXISTS ${archiveTable(queue)};`;
}

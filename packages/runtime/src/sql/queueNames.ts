/**
 * Queue names and the table names derived from them. A queue name is the
 * only identifier that reaches SQL text: it is checked against PGMQ's rule
 * and still quoted wherever it becomes part of a table or index name.
 */
import pg from "pg";
import { isQueueName, QUEUE_NAME_RULE } from "../queueName.js";

/** Throws unless `queue` is a valid PGMQ queue name; returns it. */
export function validateQueueName(queue: string): string {
  if (!isQueueName(queue))
    throw new TypeError(`invalid queue name ${JSON.stringify(queue)}: expected ${QUEUE_NAME_RULE}`);
  return queue;
}

/** `pgmq."q_<queue>"`, the queue table, quoted. */
export function queueTable(queue: string): string {
  return `pgmq.${pg.escapeIdentifier(`q_${validateQueueName(queue)}`)}`;
}

/** `pgmq."a_<queue>"`, the archive table, quoted. */
export function archiveTable(queue: string): string {
  return `pgmq.${pg.escapeIdentifier(`a_${validateQueueName(queue)}`)}`;
}

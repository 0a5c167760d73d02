/**
 * Queue names and the table names derived from them. A queue name is the
 * only identifier that reaches SQL text: it is checked against PGMQ's rule
 * and still quoted wherever it becomes part of a table or index name.
 */
import pg from "pg";

/** PGMQ's rule for queue names: 47 characters leave room for the `q_`/`a_` prefixes and index names in 63 bytes. */
export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,46}$/;

/** Throws unless `queue` is a valid PGMQ queue name; returns it. */
export function validateQueueName(queue: string): string {
  if (typeof queue !== "string" || !QUEUE_NAME_PATTERN.test(queue)) {
    throw new TypeError(
      `invalid queue name ${JSON.stringify(queue)}: expected lower-case letters, digits and "_", ` +
        "starting with a letter, at most 47 characters",
    );
  }
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

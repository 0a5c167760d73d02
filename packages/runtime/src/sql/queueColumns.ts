/**
 * The optional columns a queue's tables actually have. Tables created by an
 * older PGMQ lack `headers` (before 1.5) or `last_read_at` (before 1.10), so
 * statements are built for the columns that exist.
 */
import { type Queryable, runOnce } from "./statement.js";
import { validateQueueName } from "./queueNames.js";

export interface QueueColumns {
  /** `pgmq.q_<queue>` has `headers`. */
  readonly headers: boolean;
  /** `pgmq.q_<queue>` has `last_read_at`. */
  readonly lastReadAt: boolean;
  /** `pgmq.a_<queue>` exists. */
  readonly archive: boolean;
  /** `pgmq.a_<queue>` has `headers`. */
  readonly archiveHeaders: boolean;
  /** `pgmq.a_<queue>` has `last_read_at`. */
  readonly archiveLastReadAt: boolean;
}

/** The columns of the queue's tables, or null when `pgmq.q_<queue>` does not exist. */
export async function readQueueColumns(db: Queryable, queue: string): Promise<QueueColumns | null> {
  validateQueueName(queue);
  const { rows } = await runOnce<{ table_name: string; column_name: string }>(
    db,
    `SELECT table_name::text AS table_name, column_name::text AS column_name
       FROM information_schema.columns
      WHERE table_schema = 'pgmq' AND table_name = ANY($1::text[])`,
    [[`q_${queue}`, `a_${queue}`]],
  );
  const queueColumns = new Set(rows.filter((row) => row.table_name === `q_${queue}`).map((row) => row.column_name));
  const archiveColumns = new Set(rows.filter((row) => row.table_name === `a_${queue}`).map((row) => row.column_name));
  if (!queueColumns.has("msg_id")) return null;
  return {
    headers: queueColumns.has("headers"),
    lastReadAt: queueColumns.has("last_read_at"),
    archive: archiveColumns.has("msg_id"),
    archiveHeaders: archiveColumns.has("headers"),
    archiveLastReadAt: archiveColumns.has("last_read_at"),
  };
}

/**
 * What a database already has: the pgmq extension (or its SQL-only install),
 * and, per queue, its tables and insert-notify trigger. One round trip.
 */
import { NOTIFY_TRIGGER_NAME } from "./queueLayout.js";
import { type Queryable, runOnce } from "./statement.js";
import { validateQueueName } from "./queueNames.js";

export interface QueueState {
  readonly queue: string;
  /** Both `pgmq.q_<queue>` and `pgmq.a_<queue>` exist. */
  readonly tablesExist: boolean;
  /** `pgmq.q_<queue>` has PGMQ's insert-notify trigger (or ours, under the same name). */
  readonly notifyTrigger: boolean;
}

export interface DatabaseState {
  /** `pgmq.create(text)` exists: the extension or PGMQ's SQL-only install manages queues. */
  readonly pgmqFunctions: boolean;
  /** `pgmq.enable_notify_insert` exists (PGMQ 1.7+). */
  readonly pgmqNotify: boolean;
  readonly queues: ReadonlyMap<string, QueueState>;
}

export async function readDatabaseState(db: Queryable, queues: readonly string[]): Promise<DatabaseState> {
  for (const queue of queues) validateQueueName(queue);
  const { rows } = await runOnce<{
    queue: string;
    tables_exist: boolean;
    notify_trigger: boolean;
    pgmq_functions: boolean;
    pgmq_notify: boolean;
  }>(
    db,
    `SELECT q.name AS queue,
            to_regclass('pgmq.' || quote_ident('q_' || q.name)) IS NOT NULL
              AND to_regclass('pgmq.' || quote_ident('a_' || q.name)) IS NOT NULL AS tables_exist,
            EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t
                     WHERE t.tgrelid = to_regclass('pgmq.' || quote_ident('q_' || q.name))
                       AND t.tgname = $2::text) AS notify_trigger,
            to_regprocedure('pgmq.create(text)') IS NOT NULL AS pgmq_functions,
            EXISTS (SELECT 1 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'pgmq' AND p.proname = 'enable_notify_insert') AS pgmq_notify
       FROM unnest($1::text[]) AS q(name)`,
    [queues, NOTIFY_TRIGGER_NAME],
  );
  const first = rows[0];
  return {
    pgmqFunctions: first?.pgmq_functions ?? false,
    pgmqNotify: first?.pgmq_notify ?? false,
    queues: new Map(
      rows.map((row) => [
        row.queue,
        { queue: row.queue, tablesExist: row.tables_exist, notifyTrigger: row.notify_trigger },
      ]),
    ),
  };
}

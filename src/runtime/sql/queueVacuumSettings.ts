/**
 * Per-table autovacuum settings for a queue's two tables, set when the
 * runtime creates a queue.
 *
 * Every read of a queue moves `vt` (an update that cannot be HOT: `vt` is
 * indexed) and every ack deletes, so dead entries gather at the front of
 * the `vt` index, which every read steps over until VACUUM removes them.
 * PostgreSQL's default trigger waits for 50 + 20% of the live rows: a queue
 * holding 1M delayed messages collected ~194k dead tuples between vacuums,
 * and its reads went from ~310 to ~760 buffers. A fixed threshold of 10,000
 * bounds the dead prefix by the traffic of about one `autovacuum_naptime`,
 * whatever the backlog: reads stayed at 312-398 buffers, for 1.5 s of
 * autovacuum CPU in 30 minutes (docs/performance.md, "Soak: deep queue at a
 * steady rate"). The archive gets the same: `deleteArchived` walks the old
 * end of its `archived_at` index, where retention leaves its dead entries.
 *
 * Only for queues the runtime creates: a table someone else made keeps the
 * settings its owner chose (docs/performance.md gives the statements).
 * `ALTER TABLE ... SET (autovacuum_*)` takes a SHARE UPDATE EXCLUSIVE lock,
 * which blocks neither reads nor writes, and on a table created in the same
 * transaction it waits for nobody.
 */
import { archiveTable, queueTable } from "./queueNames.js";

/** The storage parameters set on `pgmq.q_<queue>` and `pgmq.a_<queue>`. */
export const QUEUE_AUTOVACUUM_SETTINGS = {
  autovacuum_vacuum_scale_factor: 0,
  autovacuum_vacuum_threshold: 10_000,
} as const;

/** `ALTER TABLE` statements giving both of the queue's tables `QUEUE_AUTOVACUUM_SETTINGS`. */
export function queueVacuumSettingsSql(queue: string): string {
  const settings = Object.entries(QUEUE_AUTOVACUUM_SETTINGS)
    .map(([name, value]) => `${name} = ${value}`)
    .join(", ");
  return `ALTER TABLE ${queueTable(queue)} SET (${settings});
    ALTER TABLE ${archiveTable(queue)} SET (${settings});`;
}

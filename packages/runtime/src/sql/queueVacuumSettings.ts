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

/** The storage parameters set on `pgmq.a_<queue>`, and with `QUEUE_TABLE_SETTINGS` on `pgmq.q_<queue>`. */
export const ARCHIVE_TABLE_SETTINGS = {
  autovacuum_vacuum_scale_factor: "0",
  autovacuum_vacuum_threshold: "10000",
} as const;

/**
 * Only the queue table's VACUUM always cleans its indexes. From PostgreSQL
 * 14 VACUUM skips the index pass while under 2% of the heap's pages hold
 * dead rows: a deep queue's traffic rarely reaches 2% of its pages, so the
 * dead entries at the front of the `vt` index stayed for every read to step
 * over (3M delayed, one 20,000-job drain, VACUUM: "index scan bypassed",
 * then 428 buffers for a 16-row read instead of 4). The index pass costs
 * ~0.1 s more per VACUUM of a 3M-row queue (docs/performance.md, "Deep
 * queues"). The archive keeps the default: only `deleteArchived` walks its
 * dead entries, once per batch, not every read.
 */
export const QUEUE_TABLE_SETTINGS = {
  ...ARCHIVE_TABLE_SETTINGS,
  vacuum_index_cleanup: "on",
} as const;

function settingsList(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([name, value]) => `${name} = ${value}`)
    .join(", ");
}

/** `ALTER TABLE` statements giving the queue's tables their settings. */
export function queueVacuumSettingsSql(queue: string): string {
  return `ALTER TABLE ${queueTable(queue)} SET (${settingsList(QUEUE_TABLE_SETTINGS)});
    ALTER TABLE ${archiveTable(queue)} SET (${settingsList(ARCHIVE_TABLE_SETTINGS)});`;
}

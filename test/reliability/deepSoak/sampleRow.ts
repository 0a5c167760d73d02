/**
 * One minute of the soak as a flat row: the CSV the charts are drawn from
 * (docs/performance/soak-deep-<variant>.csv). Column order is the CSV's.
 */
import type { LatencyWindow } from "./readTiming.js";
import type { DatabaseSample, TableFigures } from "./tableSampler.js";

export interface MinuteActivity {
  minute: number;
  seconds: number;
  pushed: number;
  finished: number;
  failedFirstAttempts: number;
  retentionDeleted: number;
  read: LatencyWindow;
}

/** Bytes of the first index whose name contains `part` (0 when none). */
function indexBytes(table: TableFigures, part: string): number {
  return Object.entries(table.indexBytes).find(([name]) => name.includes(part))?.[1] ?? 0;
}

export function sampleRow(activity: MinuteActivity, db: DatabaseSample): Record<string, number | string> {
  const perSecond = (count: number) => (activity.seconds > 0 ? Number((count / activity.seconds).toFixed(1)) : 0);
  const ms = (value: number) => Number(value.toFixed(3));
  return {
    minute: activity.minute,
    pushed_per_s: perSecond(activity.pushed),
    finished_per_s: perSecond(activity.finished),
    failed_first_per_s: perSecond(activity.failedFirstAttempts),
    visible: db.visible,
    q_heap_bytes: db.queue.heapBytes,
    q_total_bytes: db.queue.totalBytes,
    q_vt_idx_bytes: indexBytes(db.queue, "vt_idx"),
    q_pkey_bytes: indexBytes(db.queue, "pkey"),
    q_live: db.queue.liveTuples,
    q_dead: db.queue.deadTuples,
    q_autovacuum_count: db.queue.autovacuumCount,
    q_autoanalyze_count: db.queue.autoanalyzeCount,
    q_last_autovacuum: db.queue.lastAutovacuum ?? "",
    a_heap_bytes: db.archive.heapBytes,
    a_total_bytes: db.archive.totalBytes,
    a_archived_at_idx_bytes: indexBytes(db.archive, "archived_at"),
    a_pkey_bytes: indexBytes(db.archive, "pkey"),
    a_live: db.archive.liveTuples,
    a_dead: db.archive.deadTuples,
    a_autovacuum_count: db.archive.autovacuumCount,
    a_autoanalyze_count: db.archive.autoanalyzeCount,
    a_last_autovacuum: db.archive.lastAutovacuum ?? "",
    retention_deleted: activity.retentionDeleted,
    read_calls: activity.read.calls,
    read_p50_ms: ms(activity.read.p50Ms),
    read_p99_ms: ms(activity.read.p99Ms),
    read_max_ms: ms(activity.read.maxMs),
    server_read_calls: db.read.calls,
    server_read_mean_ms: ms(db.read.meanMs),
    server_read_max_ms: ms(db.read.maxMs),
    server_read_buffers_per_call: Number(db.read.buffersPerCall.toFixed(1)),
  };
}

export function csvLine(values: ReadonlyArray<number | string>): string {
  return values
    .map((value) => (typeof value === "string" && /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value))
    .join(",");
}

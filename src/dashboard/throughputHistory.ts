/**
 * Jobs completed per minute over the last hour, per queue, for the charts,
 * read from the archive without reading the whole hour at every refresh.
 * `completionHistory` counts the archive's `archived_at` index entries of
 * the minutes asked for: on a queue archiving a thousand jobs a second an
 * hour is 3.6 million entries, too much for a page that refreshes every few
 * seconds. Minutes that have ended do not change (but for pruning, which
 * only removes old rows), so the first read takes the hour and each later
 * one only the minutes since the last read, merged into what is kept.
 */
import { type CompletionBucket, completionHistory, type Queryable } from "@pgmq-gen/runtime";

/** Minutes a chart shows. */
export const THROUGHPUT_MINUTES = 60;
const MINUTE_MS = 60_000;

export class ThroughputHistory {
  readonly #kept = new Map<string, readonly CompletionBucket[]>();

  /**
   * The last `THROUGHPUT_MINUTES` minutes of `queue`, oldest first, the
   * current (partial) minute last; null when it has no archive table.
   */
  async read(queue: string, db: Queryable): Promise<readonly CompletionBucket[] | null> {
    const kept = this.#kept.get(queue);
    const lastKept = kept?.at(-1);
    // The minutes since the last read, the one it was in (then partial) included; one more for the clocks' skew.
    const minutes =
      lastKept === undefined
        ? THROUGHPUT_MINUTES
        : Math.min(
            THROUGHPUT_MINUTES,
            Math.max(1, Math.floor((Date.now() - lastKept.start.getTime()) / MINUTE_MS) + 2),
          );
    const fresh = await completionHistory(queue, { db, minutes });
    if (fresh === null || fresh.length === 0) {
      this.#kept.delete(queue);
      return fresh;
    }
    const counts = new Map<number, number>();
    for (const bucket of kept ?? []) counts.set(bucket.start.getTime(), bucket.count);
    for (const bucket of fresh) counts.set(bucket.start.getTime(), bucket.count);
    const current = fresh.at(-1)!.start.getTime();
    const merged: CompletionBucket[] = [];
    for (let index = THROUGHPUT_MINUTES - 1; index >= 0; index--) {
      const start = current - index * MINUTE_MS;
      merged.push({ start: new Date(start), count: counts.get(start) ?? 0 });
    }
    this.#kept.set(queue, merged);
    return merged;
  }

  /** Forgets a queue's minutes (its archive was dropped or pruned wholesale). */
  forget(queue: string): void {
    this.#kept.delete(queue);
  }
}

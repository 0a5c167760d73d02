/**
 * Queue depth over the last hour, for the dashboard's charts. PGMQ's tables
 * keep no history of their length (a message leaves no trace of when it
 * stopped waiting, unless archived), so the dashboard keeps its own: the
 * figures of every status read, at most one sample per queue per
 * `minSpacingMs`, an hour of them, in memory. The chart therefore starts
 * when the dashboard did; the throughput chart, from the archive's
 * `archived_at`, covers the whole hour at once.
 */
import type { QueueStatus } from "@pgmq-gen/runtime";

export interface DepthSample {
  /** When the figures were read. */
  readonly at: Date;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Some figure was past the count cap (an estimate or a lower bound). */
  readonly approximate: boolean;
}

export interface DepthHistoryOptions {
  /** How far back samples are kept. Milliseconds. (Default: one hour) */
  spanMs?: number;
  /** Samples of one queue closer together than this are not kept. Milliseconds. (Default: 5000) */
  minSpacingMs?: number;
}

export class DepthHistory {
  readonly spanMs: number;
  readonly #minSpacingMs: number;
  readonly #samples = new Map<string, DepthSample[]>();

  constructor(options: DepthHistoryOptions = {}) {
    this.spanMs = options.spanMs ?? 3_600_000;
    this.#minSpacingMs = options.minSpacingMs ?? 5000;
  }

  /** Keeps the figures of each status read at `at` (a queue without a table counts nothing). */
  record(statuses: readonly QueueStatus[], at: Date): void {
    for (const status of statuses) {
      if (!status.exists) continue;
      const samples = this.#samples.get(status.queue) ?? [];
      const last = samples.at(-1);
      if (last !== undefined && at.getTime() - last.at.getTime() < this.#minSpacingMs) continue;
      samples.push({
        at,
        visible: status.visible ?? 0,
        inFlight: status.inFlight ?? 0,
        delayed: status.delayed ?? 0,
        approximate: ["visible", "inFlight", "delayed"].some((figure) => figure in status.approximate),
      });
      const oldest = at.getTime() - this.spanMs;
      const firstKept = samples.findIndex((sample) => sample.at.getTime() >= oldest);
      if (firstKept > 0) samples.splice(0, firstKept);
      this.#samples.set(status.queue, samples);
    }
  }

  /** The samples of `queue` within the span before `now`, oldest first. */
  samples(queue: string, now: Date): readonly DepthSample[] {
    const oldest = now.getTime() - this.spanMs;
    return (this.#samples.get(queue) ?? []).filter((sample) => sample.at.getTime() >= oldest);
  }
}

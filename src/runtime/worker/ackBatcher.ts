/**
 * Collects one kind of ack (archive, delete, dead-letter, set_vt) for one
 * queue and writes them in one statement per batch.
 *
 * Batching is "group commit" style, with no timer to tune: the first entry
 * schedules a flush for the end of the current turn of the event loop
 * (`setImmediate`), so every job that finished in the same turn joins it;
 * while a flush is in flight, new entries wait and go out together as soon
 * as it returns. Under light load an ack leaves within a turn; under heavy
 * load batches grow by themselves. Every millisecond an ack waits is a
 * millisecond in which a finished job could be redelivered, so no timer:
 * measured with 5,000 no-op jobs (2-core machine, noisy), a 2 ms flush
 * timer was within noise of none and a 5 ms timer was slower at
 * concurrency 10.
 *
 * A failed flush (lost connection) is reported and retried with backoff.
 * Each entry carries a deadline, the moment its message becomes visible
 * again anyway: past it the entry is dropped (resolving `false`), since the
 * message will be redelivered and PGMQ has nothing to fence a stale ack with.
 */
import { retryDelaySeconds } from "../backoff.js";

export interface AckEntry {
  readonly msgId: bigint;
}

export interface AckBatcherOptions<E extends AckEntry> {
  /** Writes one batch in one statement. */
  write(entries: E[]): Promise<unknown>;
  /** Reports a failed write. */
  onError(error: unknown): void;
  /** Most entries per statement. (Default: `ACK_BATCH_MAX`) */
  maxBatch?: number;
}

interface Pending<E> {
  entry: E;
  /** Epoch milliseconds after which this ack is not worth writing. */
  deadline: number;
  resolvers: Array<(written: boolean) => void>;
}

/** Most ids one ack statement carries by default: large enough that acks cost a small share of a transaction per job, small enough that one statement stays short. */
export const ACK_BATCH_MAX = 1000;

/** Backoff between retries of a failed flush: 0.1 s doubling to 5 s. */
const flushRetryBackoff = { kind: "exponential", initial: 0.1, factor: 2, max: 5, jitter: false } as const;

export class AckBatcher<E extends AckEntry> {
  readonly #options: AckBatcherOptions<E>;
  readonly #maxBatch: number;
  /** Keyed by message id: a later entry for the same message replaces an earlier one (a retry's set_vt wins over a heartbeat's). */
  #pending = new Map<bigint, Pending<E>>();
  #flushing: Promise<void> | null = null;
  #scheduled = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #failures = 0;

  constructor(options: AckBatcherOptions<E>) {
    this.#options = options;
    this.#maxBatch = options.maxBatch ?? ACK_BATCH_MAX;
  }

  /** Entries not yet written. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Queues `entry`; resolves `true` once written, `false` if given up
   * (deadline passed while the database was unreachable). Never rejects.
   */
  add(entry: E, deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const previous = this.#pending.get(entry.msgId);
      const resolvers = previous?.resolvers ?? [];
      resolvers.push(resolve);
      // Re-insert so the entry moves behind older ones (Map keeps insertion order).
      this.#pending.delete(entry.msgId);
      this.#pending.set(entry.msgId, { entry, deadline, resolvers });
      this.#schedule();
    });
  }

  /**
   * Writes everything pending now, retrying failures until `until` (epoch ms).
   * Entries still unwritten then are given up. Used by `stop()`.
   */
  async drain(until: number): Promise<void> {
    for (;;) {
      if (this.#retryTimer !== null) {
        clearTimeout(this.#retryTimer);
        this.#retryTimer = null;
      }
      // One flush at a time, always: set_vt entries must land in the order they were made.
      if (this.#flushing !== null) {
        await this.#flushing;
        continue;
      }
      if (this.#pending.size === 0) return;
      if (Date.now() >= until) {
        this.#giveUp(() => true);
        return;
      }
      const before = this.#failures;
      await this.#flush();
      if (this.#failures > before) {
        const wait = Math.min(until - Date.now(), retryDelaySeconds(flushRetryBackoff, this.#failures) * 1000);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#flushing !== null || this.#retryTimer !== null) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#flushing === null) void this.#flush();
    });
  }

  #flush(): Promise<void> {
    const batch: Pending<E>[] = [];
    for (const [msgId, pending] of this.#pending) {
      if (batch.length >= this.#maxBatch) break;
      batch.push(pending);
      this.#pending.delete(msgId);
    }
    if (batch.length === 0) return Promise.resolve();
    const flushing = this.#write(batch).finally(() => {
      this.#flushing = null;
      if (this.#pending.size > 0 && this.#retryTimer === null) {
        if (this.#failures === 0) void this.#flush();
        else this.#retryLater();
      }
    });
    this.#flushing = flushing;
    return flushing;
  }

  async #write(batch: Pending<E>[]): Promise<void> {
    try {
      await this.#options.write(batch.map((pending) => pending.entry));
      this.#failures = 0;
      for (const pending of batch) for (const resolve of pending.resolvers) resolve(true);
    } catch (error) {
      this.#failures += 1;
      this.#options.onError(error);
      // Put the batch back, unless a newer entry for the same message arrived meanwhile.
      for (const pending of batch) {
        const newer = this.#pending.get(pending.entry.msgId);
        if (newer === undefined) this.#pending.set(pending.entry.msgId, pending);
        else newer.resolvers.push(...pending.resolvers);
      }
      const now = Date.now();
      this.#giveUp((pending) => pending.deadline <= now);
    }
  }

  #retryLater(): void {
    const delay = retryDelaySeconds(flushRetryBackoff, this.#failures) * 1000;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#flushing === null) void this.#flush();
    }, delay);
    // A retry must not keep a process alive that has nothing else to do.
    this.#retryTimer.unref();
  }

  #giveUp(shouldDrop: (pending: Pending<E>) => boolean): void {
    for (const [msgId, pending] of this.#pending) {
      if (!shouldDrop(pending)) continue;
      this.#pending.delete(msgId);
      for (const resolve of pending.resolvers) resolve(false);
    }
  }
}

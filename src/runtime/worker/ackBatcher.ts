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
 * Callbacks, not a promise per entry: an ack is written for every job, and
 * the promise, its executor and its resolver list were a visible share of
 * what a no-op job allocates (docs/performance.md).
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

/** Told whether the ack was written (`true`) or given up (`false`, its deadline passed while the database was unreachable). */
export type AckCallback = (written: boolean) => void;

export interface AckBatcherOptions<E extends AckEntry> {
  /** Writes one batch in one statement. */
  write(entries: E[]): Promise<unknown>;
  /** Reports a failed write. */
  onError(error: unknown): void;
  /**
   * A later entry for a message replaces an earlier one not yet written (a
   * retry's set_vt wins over a heartbeat's). Off for acks that end a
   * delivery: a message is done, deleted or dead-lettered once.
   */
  coalesce?: boolean;
  /** Most entries per statement. (Default: `ACK_BATCH_MAX`) */
  maxBatch?: number;
}

/** Most ids one ack statement carries by default: large enough that acks cost a small share of a transaction per job, small enough that one statement stays short. */
export const ACK_BATCH_MAX = 1000;

/** Backoff between retries of a failed flush: 0.1 s doubling to 5 s. */
const flushRetryBackoff = { kind: "exponential", initial: 0.1, factor: 2, max: 5, jitter: false } as const;

class Pending<E> {
  /** Callbacks past the first, when entries for one message were coalesced (rare). */
  more: AckCallback[] | null = null;

  constructor(
    public entry: E,
    /** Epoch milliseconds after which this ack is not worth writing. */
    public deadline: number,
    public callback: AckCallback | null,
  ) {}

  addCallback(callback: AckCallback | null): void {
    if (callback === null) return;
    if (this.callback === null) this.callback = callback;
    else (this.more ??= []).push(callback);
  }

  absorb(older: Pending<E>): void {
    this.addCallback(older.callback);
    for (const callback of older.more ?? []) this.addCallback(callback);
  }

  settle(written: boolean): void {
    this.callback?.(written);
    for (const callback of this.more ?? []) callback(written);
  }
}

export class AckBatcher<E extends AckEntry> {
  readonly #options: AckBatcherOptions<E>;
  readonly #maxBatch: number;
  /** Unwritten entries, oldest first. */
  #queue: Pending<E>[] = [];
  /** With `coalesce`: each message's entry in `#queue`. */
  readonly #latest: Map<bigint, Pending<E>> | null;
  #flushing: Promise<void> | null = null;
  #scheduled = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #failures = 0;

  constructor(options: AckBatcherOptions<E>) {
    this.#options = options;
    this.#maxBatch = options.maxBatch ?? ACK_BATCH_MAX;
    this.#latest = options.coalesce === true ? new Map() : null;
  }

  /** Entries not yet written. */
  get size(): number {
    return this.#queue.length;
  }

  /** Queues `entry`; `onSettled`, if given, learns whether it was written before `deadline` (epoch ms). */
  add(entry: E, deadline: number, onSettled: AckCallback | null = null): void {
    const latest = this.#latest;
    const previous = latest?.get(entry.msgId);
    if (previous !== undefined) {
      // Not yet written: the newer entry takes its place (and its callbacks).
      previous.entry = entry;
      previous.deadline = deadline;
      previous.addCallback(onSettled);
    } else {
      const pending = new Pending(entry, deadline, onSettled);
      this.#queue.push(pending);
      latest?.set(entry.msgId, pending);
    }
    this.#schedule();
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
      if (this.#queue.length === 0) return;
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
    if (this.#queue.length === 0) return Promise.resolve();
    const batch = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
    this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#maxBatch);
    const latest = this.#latest;
    // From here a new entry for one of these messages is a new write, after this one.
    if (latest !== null) for (const pending of batch) latest.delete(pending.entry.msgId);
    const flushing = this.#write(batch).finally(() => {
      this.#flushing = null;
      if (this.#queue.length > 0 && this.#retryTimer === null) {
        if (this.#failures === 0) void this.#flush();
        else this.#retryLater();
      }
    });
    this.#flushing = flushing;
    return flushing;
  }

  async #write(batch: Pending<E>[]): Promise<void> {
    const entries = new Array<E>(batch.length);
    for (let i = 0; i < batch.length; i++) entries[i] = batch[i]!.entry;
    try {
      await this.#options.write(entries);
    } catch (error) {
      this.#failures += 1;
      this.#options.onError(error);
      this.#putBack(batch);
      const now = Date.now();
      this.#giveUp((pending) => pending.deadline <= now);
      return;
    }
    this.#failures = 0;
    for (const pending of batch) this.#settle(pending, true);
  }

  /** Runs an entry's callbacks; one that throws is reported, and neither stops the others nor counts as a failed write. */
  #settle(pending: Pending<E>, written: boolean): void {
    try {
      pending.settle(written);
    } catch (error) {
      this.#options.onError(error);
    }
  }

  /** A failed batch goes back in front, except where a newer entry for the same message arrived meanwhile. */
  #putBack(batch: Pending<E>[]): void {
    const latest = this.#latest;
    const back: Pending<E>[] = [];
    for (const pending of batch) {
      const newer = latest?.get(pending.entry.msgId);
      if (newer !== undefined) {
        newer.absorb(pending);
        continue;
      }
      back.push(pending);
      latest?.set(pending.entry.msgId, pending);
    }
    this.#queue = back.concat(this.#queue);
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
    const kept: Pending<E>[] = [];
    const dropped: Pending<E>[] = [];
    for (const pending of this.#queue) (shouldDrop(pending) ? dropped : kept).push(pending);
    if (dropped.length === 0) return;
    this.#queue = kept;
    for (const pending of dropped) {
      this.#latest?.delete(pending.entry.msgId);
      this.#settle(pending, false);
    }
  }
}

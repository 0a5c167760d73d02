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
 * millisecond in which a finished job could be redelivered, so no timer
 * (a flush timer bought nothing when measured: docs/performance.md,
 * "Measurements behind design choices").
 *
 * Callbacks, not a promise per entry: an ack is written for every job, and
 * the promise, its executor and its resolver list were a visible share of
 * what a no-op job allocates (docs/performance.md).
 *
 * Every entry is fenced by its delivery (`msgId`, `readCt`): the statement
 * returns the deliveries it matched, and an entry it did not match lost its
 * lease (another worker read the message since, or it is gone) and is
 * settled `lost`, not `written`.
 *
 * A failed flush is handled by what failed:
 * - the database is unreachable (lost connection, ...): reported and retried
 *   with backoff. Each entry carries a deadline, the moment its message
 *   becomes visible again anyway: past it the entry is dropped (settled
 *   `expired`), since the message will be redelivered;
 * - the rows themselves (a data error: SQLSTATE class 22, 23, 54): retrying
 *   them together would fail every time and take the good rows down with the
 *   bad one, so the batch is split in halves until each part is written or
 *   is one entry; that entry gets its `fallback` (e.g. a dead letter with a
 *   minimal reason) and, refused again, is reported and settled `refused`:
 *   its message stays where it is and reappears after its visibility timeout.
 */
import { retryDelaySeconds } from "../backoff.js";
import type { Delivery } from "../pgmq.js";
import { isDataError } from "./databaseErrors.js";
import { describeError } from "./failureReason.js";

export interface AckEntry {
  readonly msgId: bigint;
  /** The delivery's `read_ct`: the fence. */
  readonly readCt: number;
}

/**
 * How an ack ended: `written`; `lost` (the statement matched nothing: this
 * delivery no longer held the message); `expired` (its deadline passed while
 * the database was unreachable); `refused` (the database refused the row
 * itself, even alone and with its fallback).
 */
export type AckResult = "written" | "lost" | "expired" | "refused";

export type AckCallback = (result: AckResult) => void;

export interface AckBatcherOptions<E extends AckEntry> {
  /** Writes one batch in one statement; resolves to the deliveries it matched. */
  write(entries: E[]): Promise<readonly Delivery[]>;
  /** Reports a failed write, and a row the database refused. */
  onError(error: unknown): void;
  /**
   * A later entry for a delivery replaces an earlier one not yet written (a
   * retry's set_vt wins over a heartbeat's). Off for acks that end a
   * delivery: a message is done, deleted or dead-lettered once.
   */
  coalesce?: boolean;
  /** Most entries per statement. (Default: `ACK_BATCH_MAX`) */
  maxBatch?: number;
  /**
   * What to write instead of an entry the database refused on its own (a
   * data error), or null to write nothing else. (Default: nothing else)
   */
  fallback?(entry: E): E | null;
  /** The entry in words, for the report of a refused row: "queue q: dead letter of message 5". */
  describe(entry: E): string;
}

/** Most ids one ack statement carries by default: large enough that acks cost a small share of a transaction per job, small enough that one statement stays short. */
export const ACK_BATCH_MAX = 1000;

/** Backoff between retries of a failed flush: 0.1 s doubling to 5 s. */
const flushRetryBackoff = { kind: "exponential", initial: 0.1, factor: 2, max: 5, jitter: false } as const;

class Pending<E> {
  /** Callbacks past the first, when entries for one delivery were coalesced (rare). */
  more: AckCallback[] | null = null;
  /** Settled during a flush that later failed: not to be put back. */
  settled = false;

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

  settle(result: AckResult): void {
    this.settled = true;
    this.callback?.(result);
    for (const callback of this.more ?? []) callback(result);
  }
}

function deliveryKey(msgId: bigint, readCt: number): string {
  return `${msgId}:${readCt}`;
}

export class AckBatcher<E extends AckEntry> {
  readonly #options: AckBatcherOptions<E>;
  readonly #maxBatch: number;
  /** Unwritten entries, oldest first. */
  #queue: Pending<E>[] = [];
  /** With `coalesce`: each message's newest entry in `#queue`. */
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

  /** Queues `entry`; `onSettled`, if given, learns how it ended (written before `deadline`, epoch ms, or not). */
  add(entry: E, deadline: number, onSettled: AckCallback | null = null): void {
    const latest = this.#latest;
    const previous = latest?.get(entry.msgId);
    // Another delivery of the same message (this process read it again after its timeout) is a write of its own.
    if (previous !== undefined && previous.entry.readCt === entry.readCt) {
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
    if (latest !== null) {
      for (const pending of batch) if (latest.get(pending.entry.msgId) === pending) latest.delete(pending.entry.msgId);
    }
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
    try {
      await this.#writeOrSplit(batch);
    } catch (error) {
      this.#failures += 1;
      this.#options.onError(error);
      this.#putBack(batch.filter((pending) => !pending.settled));
      const now = Date.now();
      this.#giveUp((pending) => pending.deadline <= now);
      return;
    }
    this.#failures = 0;
  }

  /** Writes `part`; on a data error, its halves one after the other. Rejects only when the database is unreachable. */
  async #writeOrSplit(part: Pending<E>[]): Promise<void> {
    const entries = new Array<E>(part.length);
    for (let i = 0; i < part.length; i++) entries[i] = part[i]!.entry;
    let written: readonly Delivery[];
    try {
      written = await this.#options.write(entries);
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (part.length === 1) return this.#writeRefused(part[0]!, error);
      const middle = part.length >>> 1;
      await this.#writeOrSplit(part.slice(0, middle));
      await this.#writeOrSplit(part.slice(middle));
      return;
    }
    this.#settleWritten(part, written);
  }

  /** One entry the database refused: its fallback, if any, else (or if refused too) reported and settled `refused`. */
  async #writeRefused(pending: Pending<E>, error: unknown): Promise<void> {
    const fallback = this.#options.fallback?.(pending.entry) ?? null;
    let fallbackError: unknown = null;
    if (fallback !== null) {
      try {
        const written = await this.#options.write([fallback]);
        this.#options.onError(
          new Error(
            `${this.#options.describe(pending.entry)}: the database refused it (${describeDatabaseError(error)}); ` +
              "written in a minimal form instead",
            { cause: error },
          ),
        );
        this.#settle(pending, written.length > 0 ? "written" : "lost");
        return;
      } catch (refusedAgain) {
        if (!isDataError(refusedAgain)) throw refusedAgain;
        fallbackError = refusedAgain;
      }
    }
    this.#options.onError(
      new Error(
        `${this.#options.describe(pending.entry)}: the database refused it (${describeDatabaseError(error)})` +
          (fallbackError !== null ? `, and its minimal form too (${describeDatabaseError(fallbackError)})` : "") +
          ": not written; the message stays in its queue and is delivered again after its visibility timeout",
        { cause: error },
      ),
    );
    this.#settle(pending, "refused");
  }

  /** Settles a written part: each entry the statement matched is `written`, any other `lost`. */
  #settleWritten(part: Pending<E>[], written: readonly Delivery[]): void {
    if (written.length >= part.length) {
      for (const pending of part) this.#settle(pending, "written");
      return;
    }
    const matched = new Set<string>();
    for (const delivery of written) matched.add(deliveryKey(delivery.msgId, delivery.readCt));
    for (const pending of part) {
      this.#settle(pending, matched.has(deliveryKey(pending.entry.msgId, pending.entry.readCt)) ? "written" : "lost");
    }
  }

  /** Runs an entry's callbacks; one that throws is reported, and neither stops the others nor counts as a failed write. */
  #settle(pending: Pending<E>, result: AckResult): void {
    try {
      pending.settle(result);
    } catch (error) {
      this.#options.onError(error);
    }
  }

  /** A failed batch goes back in front, except where a newer entry for the same delivery arrived meanwhile. */
  #putBack(batch: Pending<E>[]): void {
    const latest = this.#latest;
    const back: Pending<E>[] = [];
    for (const pending of batch) {
      const newer = latest?.get(pending.entry.msgId);
      if (newer !== undefined && newer.entry.readCt === pending.entry.readCt) {
        newer.absorb(pending);
        continue;
      }
      back.push(pending);
      if (newer === undefined) latest?.set(pending.entry.msgId, pending);
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
      if (this.#latest?.get(pending.entry.msgId) === pending) this.#latest.delete(pending.entry.msgId);
      this.#settle(pending, "expired");
    }
  }
}

/** "22021 invalid byte sequence ...": the SQLSTATE (when there is one) and the message, storable in a header. */
function describeDatabaseError(error: unknown): string {
  let code: unknown;
  try {
    code = (error as { code?: unknown } | null)?.code;
  } catch {
    code = undefined;
  }
  const message = describeError(error);
  return typeof code === "string" ? `${code} ${message}` : message;
}

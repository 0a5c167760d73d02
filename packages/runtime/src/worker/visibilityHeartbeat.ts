/**
 * Keeps the messages this worker holds (buffered or running) hidden.
 *
 * A read hides a message for the visibility timeout. A job that runs longer
 * would reappear and be handed to a second worker while the first is still
 * on it, so once half of a job's timeout has passed its message is hidden
 * for a full timeout again. One timer per queue ticks every quarter timeout
 * and extends every message due in one set_vt statement (through
 * `QueueAcks`, which batches them).
 *
 * Extensions are fenced by the delivery like retries and kills (see
 * `QueueAcks`): one that matches nothing means the lease is gone (the timeout
 * passed while the event loop was blocked and another worker read the
 * message, or another run of the job finished and archived it). The
 * entry is marked, no longer extended, and a running job's signal aborts
 * with `LeaseLostError` so a well-behaved handler stops.
 *
 * The held messages form a doubly linked list through their own entries:
 * adding and removing one (twice per job) allocates nothing beyond the
 * entry, where a Map or Set of them had to grow and rehash.
 */
import type { ReadMessage } from "../pgmq.js";
import type { QueueAcks } from "./queueAcks.js";

/** A message this worker holds (buffered or running) and keeps hidden. */
export class HiddenMessage {
  /** An extension is being written. */
  extending = false;
  /** Still on the heartbeat (not yet removed). */
  held = true;
  previous: HiddenMessage | null = null;
  next: HiddenMessage | null = null;
  /** An extension found that this delivery no longer holds the message. */
  leaseLost = false;
  /** Longest gap between two heartbeat ticks while held, ms: about the longest the event loop was blocked. */
  longestGapMs = 0;
  /** A tick found this message's extension still waiting while the worker's pool had no connection to give. */
  waitedForPool = false;
  /** While its job runs: told when the lease is lost, to abort the job's signal (set by the job's runner). */
  onLeaseLost: (() => void) | null = null;

  constructor(
    readonly message: ReadMessage,
    /** Epoch ms (our clock) when the message becomes visible again, by our last read or extension: the deadline for its ack. */
    public visibleAt: number,
  ) {}
}

export class VisibilityHeartbeat {
  readonly #acks: QueueAcks;
  /** Milliseconds. */
  readonly #timeout: number;
  #first: HiddenMessage | null = null;
  #last: HiddenMessage | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** Epoch ms of the last tick (or of the timer's start): how long ago the event loop last got to it. */
  #lastBeatAt = 0;
  #heldBytes = 0;
  readonly #poolExhausted: () => boolean;

  /**
   * `visibilityTimeout`: seconds. `poolExhausted`: whether the pool the
   * extensions are written on has no connection to give now (sampled at the
   * ticks that find an extension still waiting, to tell why it was late).
   */
  constructor(acks: QueueAcks, visibilityTimeout: number, poolExhausted: () => boolean = () => false) {
    this.#acks = acks;
    this.#timeout = visibilityTimeout * 1000;
    this.#poolExhausted = poolExhausted;
  }

  /** Milliseconds between ticks. */
  get interval(): number {
    return Math.max(25, Math.min(this.#timeout / 4, 30_000));
  }

  /**
   * The longest the event loop went without a heartbeat tick while `entry`
   * was held, up to `now` (ms): about how long it was blocked at a stretch,
   * plus up to one interval.
   */
  longestGap(entry: HiddenMessage, now: number): number {
    const current = this.#timer === null ? 0 : now - this.#lastBeatAt;
    return Math.max(entry.longestGapMs, current);
  }

  /**
   * Watches a message read at `readAt` (epoch ms, taken before the read was
   * sent, so the estimate errs early). The returned entry's `visibleAt`
   * follows every extension.
   */
  add(message: ReadMessage, readAt: number): HiddenMessage {
    const entry = new HiddenMessage(message, readAt + this.#timeout);
    this.#heldBytes += message.payloadBytes ?? 0;
    entry.previous = this.#last;
    if (this.#last === null) this.#first = entry;
    else this.#last.next = entry;
    this.#last = entry;
    this.#ensureTimer();
    return entry;
  }

  /** Stops extending a message: its job has finished (its ack will follow) or it was released. */
  remove(entry: HiddenMessage): void {
    if (!entry.held) return;
    entry.held = false;
    this.#heldBytes -= entry.message.payloadBytes ?? 0;
    if (entry.previous === null) this.#first = entry.next;
    else entry.previous.next = entry.next;
    if (entry.next === null) this.#last = entry.previous;
    else entry.next.previous = entry.previous;
    entry.previous = null;
    entry.next = null;
    if (this.#first === null && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /**
   * Payload bytes of the messages held (`ReadMessage.payloadBytes`): what
   * the worker has in memory for this queue, buffered or running; the
   * queue's reader keeps it under `batchBytes`.
   */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Stops the timer; messages still held will reappear when their timeout passes. */
  close(): void {
    while (this.#first !== null) this.remove(this.#first);
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #ensureTimer(): void {
    if (this.#timer !== null) return;
    this.#lastBeatAt = Date.now();
    this.#timer = setInterval(() => this.#beat(), this.interval);
  }

  #beat(): void {
    const now = Date.now();
    const gap = now - this.#lastBeatAt;
    this.#lastBeatAt = now;
    let exhausted: boolean | null = null;
    for (let entry = this.#first; entry !== null; entry = entry.next) {
      if (gap > entry.longestGapMs) entry.longestGapMs = gap;
      if (entry.extending) {
        // Still waiting since an earlier tick: a pool with no free connection is the likeliest reason (see JobRunner).
        exhausted ??= this.#poolExhausted();
        if (exhausted) entry.waitedForPool = true;
        continue;
      }
      if (entry.leaseLost || entry.visibleAt - now > this.#timeout / 2) continue;
      entry.extending = true;
      const target = entry;
      this.#acks.extend(entry.message, this.#timeout / 1000, entry.visibleAt, (result) => {
        target.extending = false;
        if (result === "written") target.visibleAt = now + this.#timeout;
        else if (result === "lost" && target.held) {
          target.leaseLost = true;
          target.onLeaseLost?.();
        }
      });
    }
  }
}

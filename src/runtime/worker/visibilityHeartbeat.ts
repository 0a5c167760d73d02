/**
 * Keeps the messages of running jobs hidden while their handlers work.
 *
 * A read hides a message for the visibility timeout. A job that runs longer
 * would reappear and be handed to a second worker while the first is still
 * on it, so once half of a job's timeout has passed its message is hidden
 * for a full timeout again. One timer per queue ticks every quarter timeout
 * and extends every job due in one set_vt statement (through `QueueAcks`,
 * which batches them).
 */
import type { ReadMessage } from "../pgmq.js";
import type { QueueAcks } from "./queueAcks.js";

/** A message this worker holds (buffered or running) and keeps hidden. */
export class HiddenMessage {
  /** An extension is being written. */
  extending = false;

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
  readonly #running = new Map<bigint, HiddenMessage>();
  #timer: NodeJS.Timeout | null = null;

  /** `visibilityTimeout`: seconds. */
  constructor(acks: QueueAcks, visibilityTimeout: number) {
    this.#acks = acks;
    this.#timeout = visibilityTimeout * 1000;
  }

  /**
   * Watches a message read at `readAt` (epoch ms, taken before the read was
   * sent, so the estimate errs early). The returned entry's `visibleAt`
   * follows every extension.
   */
  add(message: ReadMessage, readAt: number): HiddenMessage {
    const entry = new HiddenMessage(message, readAt + this.#timeout);
    this.#running.set(message.msgId, entry);
    this.#ensureTimer();
    return entry;
  }

  /** Stops extending a message: its job has finished (its ack will follow). */
  remove(msgId: bigint): void {
    this.#running.delete(msgId);
    if (this.#running.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** Stops the timer; messages still registered will reappear when their timeout passes. */
  close(): void {
    this.#running.clear();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #ensureTimer(): void {
    if (this.#timer !== null) return;
    const interval = Math.max(25, Math.min(this.#timeout / 4, 30_000));
    this.#timer = setInterval(() => this.#beat(), interval);
  }

  #beat(): void {
    const now = Date.now();
    for (const entry of this.#running.values()) {
      if (entry.extending || entry.visibleAt - now > this.#timeout / 2) continue;
      entry.extending = true;
      const sentAt = Date.now();
      void this.#acks.extend(entry.message.msgId, this.#timeout / 1000, entry.visibleAt).then((written) => {
        entry.extending = false;
        if (written) entry.visibleAt = sentAt + this.#timeout;
      });
    }
  }
}

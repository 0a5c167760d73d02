/**
 * Messages a queue's reads have fetched but whose jobs have not started.
 *
 * Reads fetch up to `batchSize` messages while at most `concurrency` jobs
 * run, so one read feeds several rounds of handlers and reading overlaps
 * handling. A buffered message's visibility timeout ticks from its read, so
 * it joins the heartbeat on arrival (not when its job starts): it stays
 * hidden however long it waits. On stop, the buffer is released in one go.
 */
import type { ReadMessage } from "../pgmq.js";
import type { QueueAcks } from "./queueAcks.js";
import type { HiddenMessage, VisibilityHeartbeat } from "./visibilityHeartbeat.js";

export class PrefetchBuffer {
  readonly #heartbeat: VisibilityHeartbeat;
  readonly #acks: QueueAcks;
  #entries: HiddenMessage[] = [];
  /** Index of the oldest entry: taking from the front moves an index, not the array. */
  #head = 0;

  constructor(heartbeat: VisibilityHeartbeat, acks: QueueAcks) {
    this.#heartbeat = heartbeat;
    this.#acks = acks;
  }

  get size(): number {
    return this.#entries.length - this.#head;
  }

  /**
   * Puts messages read at `readAt` (epoch ms, taken before the read was
   * sent) on the heartbeat: from now on they stay hidden, while payloads
   * the read left out are fetched, and `push` makes them startable.
   */
  hold(messages: readonly ReadMessage[], readAt: number): HiddenMessage[] {
    return messages.map((message) => this.#heartbeat.add(message, readAt));
  }

  /** Adds held messages, in order, for jobs to start. */
  push(entries: readonly HiddenMessage[]): void {
    if (this.#head > 0) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    for (const entry of entries) this.#entries.push(entry);
  }

  /**
   * Makes held messages that were never pushed visible again now (stop, or
   * their payload could not be fetched); but not a job this worker has
   * finished since (see `QueueAcks.finishedHere`): it stays hidden until
   * its done ack archives it.
   */
  release(entries: readonly HiddenMessage[]): void {
    for (const entry of entries) {
      this.#heartbeat.remove(entry);
      if (!this.#acks.finishedHere(entry.message.msgId)) this.#acks.release(entry.message, entry.visibleAt);
    }
  }

  /** Takes the oldest message, if any; it stays on the heartbeat (its job removes it). */
  take(): HiddenMessage | undefined {
    if (this.#head >= this.#entries.length) return undefined;
    const entry = this.#entries[this.#head]!;
    this.#head += 1;
    return entry;
  }

  /** Makes every buffered message visible again now (stop): none of them has run. */
  releaseAll(): void {
    const entries = this.#entries.slice(this.#head);
    this.#entries = [];
    this.#head = 0;
    this.release(entries);
  }
}

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
import type { VisibilityHeartbeat } from "./visibilityHeartbeat.js";

export interface BufferedMessage {
  readonly message: ReadMessage;
  /** When the message becomes visible again (epoch ms): the deadline for its ack. */
  readonly visibleAt: () => number;
}

export class PrefetchBuffer {
  readonly #heartbeat: VisibilityHeartbeat;
  readonly #acks: QueueAcks;
  #entries: BufferedMessage[] = [];

  constructor(heartbeat: VisibilityHeartbeat, acks: QueueAcks) {
    this.#heartbeat = heartbeat;
    this.#acks = acks;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Adds messages read at `readAt` (epoch ms, taken before the read was sent). */
  push(messages: readonly ReadMessage[], readAt: number): void {
    for (const message of messages) {
      this.#entries.push({ message, visibleAt: this.#heartbeat.add(message.msgId, readAt) });
    }
  }

  /** Takes up to `count` messages, oldest first; they stay on the heartbeat (their job removes them). */
  take(count: number): BufferedMessage[] {
    return this.#entries.splice(0, count);
  }

  /** Makes every buffered message visible again now (stop): none of them has run. */
  releaseAll(): void {
    const entries = this.#entries;
    this.#entries = [];
    for (const { message, visibleAt } of entries) {
      this.#heartbeat.remove(message.msgId);
      void this.#acks.release(message.msgId, visibleAt());
    }
  }
}

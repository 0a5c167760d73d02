/**
 * One queue's fetch loop: wait for a free slot, read as many messages as
 * there are free slots (up to `batchSize`), start a job for each, repeat.
 *
 * After a read that came back full there is probably more: read again at
 * once. After a short read the queue is drained: sleep until a NOTIFY wakes
 * the loop or `pollInterval` passes (polling finds delayed and retried
 * messages, which send no notification). A failed read (lost connection)
 * is reported and retried with backoff; the loop never dies of it.
 */
import { retryDelaySeconds } from "../backoff.js";
import type { PgmqClient, ReadMessage } from "../pgmq.js";
import type { JobRunner } from "./jobRunner.js";
import type { JobSlots } from "./jobSlots.js";
import type { QueueAcks } from "./queueAcks.js";
import { sleepUnlessAborted, Wakeup } from "./wakeup.js";
import type { WorkerEventEmitter } from "./workerEvents.js";
import type { QueueSettings } from "./workerSettings.js";

export interface QueueFetcherOptions {
  readonly queue: QueueSettings;
  readonly client: PgmqClient;
  readonly slots: JobSlots;
  readonly runner: JobRunner;
  readonly acks: QueueAcks;
  readonly events: WorkerEventEmitter;
  /** Milliseconds between reads of a drained queue without a notification. */
  readonly pollInterval: number;
  /** Aborts when `stop()` is called: no more reads. */
  readonly stopSignal: AbortSignal;
}

/** Backoff between failed reads: 0.1 s doubling to 5 s, jittered so workers do not reconnect in step. */
const readRetryBackoff = { kind: "exponential", initial: 0.1, factor: 2, max: 5, jitter: true } as const;

export class QueueFetcher {
  readonly #options: QueueFetcherOptions;
  readonly #wakeup = new Wakeup();
  /** Handlers running now (resolve when the handler settles, before the ack). */
  readonly handlers = new Set<Promise<void>>();
  /** Jobs not finished, ack included. */
  readonly jobs = new Set<Promise<void>>();

  constructor(options: QueueFetcherOptions) {
    this.#options = options;
    options.stopSignal.addEventListener("abort", () => this.#wakeup.wake(), { once: true });
  }

  /** A message may be waiting (NOTIFY, reconnect): read now instead of at the next poll. */
  wake(): void {
    this.#wakeup.wake();
  }

  /** Runs until the stop signal aborts; resolves once the last read has been dealt with. */
  async run(): Promise<void> {
    const { queue, client, slots, events, pollInterval, stopSignal } = this.#options;
    let failures = 0;
    while (!stopSignal.aborted) {
      await slots.waitForFree(queue.name, stopSignal);
      if (stopSignal.aborted) break;
      const wanted = slots.reserve(queue.name, queue.batchSize);
      if (wanted === 0) continue;
      // Whatever woke us is covered by this read; a wake-up during it is kept for the next sleep.
      this.#wakeup.clear();
      const readAt = Date.now();
      let messages: ReadMessage[];
      try {
        messages = await client.read(queue.name, queue.visibilityTimeout, wanted);
        failures = 0;
      } catch (error) {
        slots.unreserve(queue.name, wanted);
        failures += 1;
        events.error(error);
        await sleepUnlessAborted(retryDelaySeconds(readRetryBackoff, failures) * 1000, stopSignal);
        continue;
      }
      slots.unreserve(queue.name, wanted - messages.length);
      if (stopSignal.aborted) {
        this.#release(messages, readAt);
        break;
      }
      for (const message of messages) this.#start(message, readAt);
      if (messages.length < wanted) await this.#wakeup.sleep(pollInterval);
    }
  }

  #start(message: ReadMessage, readAt: number): void {
    const { queue, slots, runner, events } = this.#options;
    let resolveHandler!: () => void;
    const handler = new Promise<void>((resolve) => {
      resolveHandler = resolve;
    });
    this.handlers.add(handler);
    let handlerSettled = false;
    const settleHandler = (): void => {
      if (handlerSettled) return;
      handlerSettled = true;
      this.handlers.delete(handler);
      resolveHandler();
      slots.toSettling(queue.name);
    };
    const job = runner
      .run(message, readAt, settleHandler)
      // run() catches what a handler throws; anything reaching here is a bug of ours, reported not thrown.
      .catch((error: unknown) => events.error(error))
      .finally(() => {
        settleHandler();
        this.jobs.delete(job);
        slots.settled(queue.name);
      });
    this.jobs.add(job);
  }

  /** Messages read after stop() began: visible again now, not after their timeout. */
  #release(messages: readonly ReadMessage[], readAt: number): void {
    const { queue, slots, acks } = this.#options;
    slots.unreserve(queue.name, messages.length);
    const deadline = readAt + queue.visibilityTimeout * 1000;
    for (const message of messages) void acks.release(message.msgId, deadline);
  }
}

/**
 * One queue's fetch loop, in two halves that overlap:
 * - the reader keeps a local buffer (`PrefetchBuffer`) stocked: its goal is
 *   the free slots plus the prefetch target (`PrefetchTarget`: ~100 ms of
 *   work at the recent start rate, more when reads are slower than that and
 *   free slots wait on them, at most `batchSize`), and when the buffer
 *   falls below half of that it reads up to the goal. For fast jobs one read
 *   thus feeds several rounds of `concurrency` handlers, and the next read
 *   runs while they work (a read per `concurrency` jobs made the database
 *   round trips, not the handlers, the limit on throughput); slow jobs get
 *   reads sized to their free slots and no hoard;
 * - the dispatcher starts buffered messages as slots free up (`JobSlots`),
 *   so handlers still run at most `concurrency` at a time.
 *
 * Reads are bounded by bytes too (`batchBytes`, see `PgmqClient.readWithin`):
 * the payload bytes the queue holds (buffered and running, counted by the
 * heartbeat) plus those a read takes stay under it, but for one message, so
 * messages too big to hold together are read and run one at a time, and no
 * read starts while the held bytes reach the budget. A payload the read left
 * out (over the inline limit; such a message is read alone) is fetched here,
 * once the read has committed and counted the delivery: a message that
 * crashes the process in transit uses up its own attempts, and once past
 * them its payload is not fetched at all (the runner kills it on `read_ct`
 * without decoding it).
 *
 * A job's done ack is queued for a flush at the end of the turn it finished
 * in (`AckBatcher`), and a job started in that same turn would run first: a
 * handler that blocks the event loop would hold the ack back for as long as
 * it blocks, while the finished message reappears to other readers. So while
 * done acks of any of the worker's queues are unsent, the dispatcher waits
 * for `sendDoneAcksFirst` (queueAcks.ts) before it starts handlers, and the
 * reader lets a turn pass before it reads, so the ack's flush takes an idle
 * connection ahead of the read.
 *
 * After a read that filled the buffer (or was cut by the byte budget) there
 * is probably more: read again once it drains. After a short read the queue
 * is drained: sleep until a NOTIFY wakes the reader or `pollInterval` passes
 * (polling finds delayed and retried messages, which send no notification).
 * A failed read (lost connection) is reported and retried with backoff; the
 * loop never dies of it. On stop, buffered messages and those of a read
 * still under way are released at once.
 */
import { retryDelaySeconds } from "../backoff.js";
import type { BoundedRead, PgmqClient, ReadMessage } from "../pgmq.js";
import type { JobRunner } from "./jobRunner.js";
import type { JobSlots } from "./jobSlots.js";
import { PrefetchBuffer } from "./prefetchBuffer.js";
import { PrefetchTarget } from "./prefetchTarget.js";
import { doneAcksUnsent, type QueueAcks, sendDoneAcksFirst } from "./queueAcks.js";
import type { RunningJobs } from "./runningJobs.js";
import type { HiddenMessage, VisibilityHeartbeat } from "./visibilityHeartbeat.js";
import { nextTurn, sleepUnlessAborted, Wakeup } from "./wakeup.js";
import type { WorkerEventEmitter } from "./workerEvents.js";
import type { QueueSettings } from "./workerSettings.js";

export interface QueueFetcherOptions {
  readonly queue: QueueSettings;
  readonly client: PgmqClient;
  readonly slots: JobSlots;
  readonly runner: JobRunner;
  /** The queue's jobs in flight; the runner ends what `started()` begins. */
  readonly running: RunningJobs;
  readonly acks: QueueAcks;
  /** The acks of every queue of the worker, this one's included: a handler of any queue can hold back any ack. */
  readonly workerAcks: readonly QueueAcks[];
  readonly heartbeat: VisibilityHeartbeat;
  readonly events: WorkerEventEmitter;
  /** Milliseconds between reads of a drained queue without a notification. */
  readonly pollInterval: number;
  /** Aborts when `stop()` is called: no more reads. */
  readonly stopSignal: AbortSignal;
  /** Called after each read that succeeded: the database answers (ends a logged outage). */
  readonly onRead: () => void;
}

/**
 * Payloads bigger than this (or than `batchBytes`, if smaller) are left out
 * of a read and fetched one by one after it: one more round trip for a
 * message whose transfer takes longer than one anyway, and the delivery is
 * counted before a payload that might not fit in memory is sent. Bytes.
 */
const INLINE_PAYLOAD_BYTES = 1024 * 1024;

/** Backoff between failed reads: 0.1 s doubling to 5 s, jittered so workers do not reconnect in step. */
const readRetryBackoff = { kind: "exponential", initial: 0.1, factor: 2, max: 5, jitter: true } as const;

export class QueueFetcher {
  readonly #options: QueueFetcherOptions;
  readonly #buffer: PrefetchBuffer;
  readonly #prefetch: PrefetchTarget;
  /** The reader's: NOTIFY, reconnect, stop. */
  readonly #wakeup = new Wakeup();
  /** The reader's, while the buffer is full enough: the dispatcher took messages or a job freed its slot. */
  readonly #bufferLow = new Wakeup();
  /** The dispatcher's, while the buffer is empty: the reader added messages. */
  readonly #bufferFilled = new Wakeup();
  /** Since when (Date.now()) a free slot has been waiting with the buffer empty; null while none is. */
  #dryFrom: number | null = null;

  constructor(options: QueueFetcherOptions) {
    this.#options = options;
    this.#buffer = new PrefetchBuffer(options.heartbeat, options.acks);
    this.#prefetch = new PrefetchTarget(options.queue.batchSize);
    options.running.onSlotFreed = () => {
      if (this.#buffer.size === 0) this.#dryFrom ??= Date.now();
      if (this.#refillWanted()) this.#bufferLow.wake();
    };
    options.stopSignal.addEventListener(
      "abort",
      () => {
        this.#wakeup.wake();
        this.#bufferLow.wake();
        this.#bufferFilled.wake();
      },
      { once: true },
    );
  }

  /** A message may be waiting (NOTIFY, reconnect): read now instead of at the next poll. */
  wake(): void {
    this.#wakeup.wake();
  }

  /** Runs until the stop signal aborts; resolves once the last read has been dealt with and the buffer released. */
  async run(): Promise<void> {
    await Promise.all([this.#read(), this.#dispatch()]);
  }

  async #read(): Promise<void> {
    const { queue, client, acks, workerAcks, events, heartbeat, pollInterval, stopSignal } = this.#options;
    const buffer = this.#buffer;
    const inlineBytes = Math.min(INLINE_PAYLOAD_BYTES, queue.batchBytes);
    let failures = 0;
    let ackTurnGiven = false;
    while (!stopSignal.aborted) {
      this.#prefetch.update();
      const goal = this.#bufferGoal();
      const heldBytes = heartbeat.heldBytes;
      if (buffer.size * 2 >= goal || heldBytes >= queue.batchBytes) {
        // Timed only as a safety net: the dispatcher wakes us when it takes messages, jobs when they free slots.
        await this.#bufferLow.sleep(pollInterval);
        continue;
      }
      if (!ackTurnGiven && doneAcksUnsent(workerAcks)) {
        // The done acks queued this turn take an idle connection before this read does (see the top of this file).
        ackTurnGiven = true;
        await nextTurn();
        continue;
      }
      ackTurnGiven = false;
      const wanted = goal - buffer.size;
      // Whatever woke us is covered by this read; a wake-up during it is kept for the next sleep.
      this.#wakeup.clear();
      const readAt = Date.now();
      let read: BoundedRead;
      try {
        acks.readSent();
        read = await client.readWithin(queue.name, queue.visibilityTimeout, wanted, {
          maxBytes: queue.batchBytes - heldBytes,
          inlineBytes,
          inlineReadCt: queue.maxAttempts,
        });
        failures = 0;
        this.#options.onRead();
      } catch (error) {
        failures += 1;
        events.error(error);
        await sleepUnlessAborted(retryDelaySeconds(readRetryBackoff, failures) * 1000, stopSignal);
        continue;
      }
      this.#readEnded(wanted, read.messages.length, readAt);
      // A job this worker finished, its delivery read before its done ack committed or after its visibility timeout
      // passed while the ack was held back: that unfenced ack archives (or deletes) it, so it is not run again,
      // and not released either; it stays hidden until then.
      const messages = read.messages.some((message) => acks.finishedHere(message.msgId))
        ? read.messages.filter((message) => !acks.finishedHere(message.msgId))
        : read.messages;
      if (stopSignal.aborted) {
        this.#release(messages, readAt);
        break;
      }
      let entries = buffer.hold(messages, readAt);
      if (messages.some((message) => message.payloadDeferred)) entries = await this.#fetchPayloads(entries);
      if (stopSignal.aborted) {
        buffer.release(entries);
        break;
      }
      buffer.push(entries);
      if (entries.length > 0) {
        this.#dryFrom = null;
        this.#bufferFilled.wake();
      }
      if (read.messages.length < wanted && !read.cutByBytes) await this.#wakeup.sleep(pollInterval);
    }
  }

  /**
   * Fetches, one at a time, the payloads the read left out, but not those
   * of messages past maxAttempts (the runner kills them without decoding).
   * Returns the entries to buffer: a message gone meanwhile is dropped; when
   * a fetch fails, that message and the rest left out are released.
   */
  async #fetchPayloads(entries: HiddenMessage[]): Promise<HiddenMessage[]> {
    const { queue, client, events, heartbeat } = this.#options;
    const needsFetch = (entry: HiddenMessage) =>
      entry.message.payloadDeferred === true && entry.message.readCt <= queue.maxAttempts;
    const kept: HiddenMessage[] = [];
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index]!;
      const message = entry.message;
      if (!needsFetch(entry)) {
        kept.push(entry);
        continue;
      }
      let payload: Awaited<ReturnType<PgmqClient["readPayload"]>>;
      try {
        payload = await client.readPayload(queue.name, message.msgId);
      } catch (error) {
        events.error(error);
        const rest = entries.slice(index);
        this.#buffer.release(rest.filter(needsFetch));
        kept.push(...rest.filter((other) => !needsFetch(other)));
        break;
      }
      if (payload === null) {
        // Deleted since the read (by an operator, or acked by a worker that took it after its timeout).
        heartbeat.remove(entry);
        continue;
      }
      message.message = payload.message;
      message.headers = payload.headers;
      message.payloadDeferred = false;
      kept.push(entry);
    }
    return kept;
  }

  async #dispatch(): Promise<void> {
    const { queue, slots, running, runner, workerAcks, pollInterval, stopSignal } = this.#options;
    const buffer = this.#buffer;
    while (!stopSignal.aborted) {
      if (buffer.size === 0) {
        if (slots.free(queue.name) > 0) this.#dryFrom ??= Date.now();
        await this.#bufferFilled.sleep(pollInterval);
        continue;
      }
      await slots.waitForFree(queue.name, stopSignal);
      if (stopSignal.aborted) break;
      if (doneAcksUnsent(workerAcks)) {
        // The done acks of the jobs that just finished go out before the next handler starts (see the top).
        await sendDoneAcksFirst(workerAcks);
        if (stopSignal.aborted) break;
      }
      const starting = slots.reserve(queue.name, buffer.size);
      this.#prefetch.started(starting);
      for (let i = 0; i < starting; i++) {
        running.started();
        // run() never rejects: it reports its own failures and ends the job in `running`.
        void runner.run(buffer.take()!);
      }
      if (this.#refillWanted()) this.#bufferLow.wake();
    }
    // Stopping: nothing buffered will start, so none of it should wait out its visibility timeout.
    buffer.releaseAll();
  }

  /**
   * Tells the prefetch target how a read went: how long a free slot had been
   * waiting on it with the buffer empty (a slot that another queue took
   * since is not waiting), the measure of a read the buffer did not last.
   */
  #readEnded(asked: number, returned: number, readAt: number): void {
    const { queue, slots } = this.#options;
    const now = Date.now();
    const dryFrom = this.#dryFrom;
    const waiting = dryFrom !== null && this.#buffer.size === 0 && slots.free(queue.name) > 0;
    const waitedMs = waiting ? now - Math.max(dryFrom, readAt) : 0;
    this.#prefetch.readEnded({ asked, returned, durationMs: now - readAt, waitedMs }, now);
  }

  /** Messages the buffer should hold now: one per free slot plus the prefetch target, at most `batchSize`. */
  #bufferGoal(): number {
    const { queue, slots } = this.#options;
    return Math.min(queue.batchSize, slots.free(queue.name) + this.#prefetch.target);
  }

  /** The buffer is below half its goal and the held payloads below `batchBytes`: a read should fetch more. */
  #refillWanted(): boolean {
    const { queue, heartbeat } = this.#options;
    return this.#buffer.size * 2 < this.#bufferGoal() && heartbeat.heldBytes < queue.batchBytes;
  }

  /** Messages read after stop() began: visible again now, not after their timeout. */
  #release(messages: readonly ReadMessage[], readAt: number): void {
    const { queue, acks } = this.#options;
    const deadline = readAt + queue.visibilityTimeout * 1000;
    for (const message of messages) acks.release(message, deadline);
  }
}

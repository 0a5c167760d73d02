/**
 * Every write that ends or extends a delivery of one queue, batched:
 * archive or delete (done), set_vt (retry, heartbeat, release), and
 * dead-letter or delete (killed). One `AckBatcher` per statement, so each
 * flush is one statement for all the messages waiting for it.
 *
 * Heartbeats, retries and releases share one set_vt batcher on purpose:
 * its flushes run one after another and a later entry for a message replaces
 * an earlier one, so a heartbeat can never land after a retry's backoff and
 * push it out to the full visibility timeout.
 */
import type { PgmqClient } from "../pgmq.js";
import { type AckCallback, AckBatcher } from "./ackBatcher.js";

export interface QueueAcksOptions {
  readonly queue: string;
  readonly client: PgmqClient;
  readonly onSuccess: "archive" | "delete";
  readonly deadLetter: string | null;
  /** Reports a failed write (it is retried). */
  readonly onError: (error: unknown) => void;
}

interface VisibilityEntry {
  readonly msgId: bigint;
  readonly delaySeconds: number;
}

interface DeadLetterEntry {
  readonly msgId: bigint;
  readonly reason: string;
  readonly attempts: number;
}

export class QueueAcks {
  readonly #options: QueueAcksOptions;
  readonly #archive: AckBatcher<{ msgId: bigint }>;
  readonly #delete: AckBatcher<{ msgId: bigint }>;
  readonly #visibility: AckBatcher<VisibilityEntry>;
  readonly #deadLetter: AckBatcher<DeadLetterEntry> | null;

  constructor(options: QueueAcksOptions) {
    this.#options = options;
    const { queue, client, onError } = options;
    const ids = (entries: readonly { msgId: bigint }[]) => entries.map((entry) => entry.msgId);
    this.#archive = new AckBatcher({ onError, write: (entries) => client.archive(queue, ids(entries)) });
    this.#delete = new AckBatcher({ onError, write: (entries) => client.delete(queue, ids(entries)) });
    this.#visibility = new AckBatcher({
      onError,
      coalesce: true,
      write: (entries) => client.setVisibility(queue, entries),
    });
    const deadLetter = options.deadLetter;
    this.#deadLetter =
      deadLetter === null
        ? null
        : new AckBatcher({ onError, write: (entries) => client.deadLetter(queue, deadLetter, entries) });
  }

  /**
   * The job is done: archive or delete it per `onSuccess`. `onSettled`
   * learns whether it was written before `deadline` (epoch ms, when the
   * message becomes visible again anyway).
   */
  done(msgId: bigint, deadline: number, onSettled: AckCallback | null = null): void {
    const batcher = this.#options.onSuccess === "archive" ? this.#archive : this.#delete;
    batcher.add({ msgId }, deadline, onSettled);
  }

  /** The job failed with attempts left: visible again in `delaySeconds`. */
  retry(msgId: bigint, delaySeconds: number, deadline: number, onSettled: AckCallback | null = null): void {
    this.#visibility.add({ msgId, delaySeconds }, deadline, onSettled);
  }

  /** The job is killed: dead-lettered with `reason` where the queue has a dead-letter queue, else deleted. */
  kill(msgId: bigint, reason: string, attempts: number, deadline: number, onSettled: AckCallback | null = null): void {
    if (this.#deadLetter === null) this.#delete.add({ msgId }, deadline, onSettled);
    else this.#deadLetter.add({ msgId, reason, attempts }, deadline, onSettled);
  }

  /** Heartbeat: hide a running job's message for `seconds` more. */
  extend(msgId: bigint, seconds: number, deadline: number, onSettled: AckCallback): void {
    this.#visibility.add({ msgId, delaySeconds: seconds }, deadline, onSettled);
  }

  /** Makes a message this worker took but will not run visible again now. */
  release(msgId: bigint, deadline: number): void {
    this.#visibility.add({ msgId, delaySeconds: 0 }, deadline);
  }

  /** Writes everything pending, retrying until `until` (epoch ms). */
  async drain(until: number): Promise<void> {
    const batchers = [this.#archive, this.#delete, this.#visibility, this.#deadLetter];
    await Promise.all(batchers.map((batcher) => batcher?.drain(until)));
  }
}

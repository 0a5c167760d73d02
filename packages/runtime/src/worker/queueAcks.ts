/**
 * Every write that ends or extends a delivery of one queue, batched:
 * archive or delete (done), set_vt (retry, heartbeat, release), and
 * dead-letter or delete (killed). One `AckBatcher` per statement, so each
 * flush is one statement for all the messages waiting for it.
 *
 * Kills and set_vt (retry, heartbeat, release) are fenced by their delivery
 * (`msgId`, `readCt`): they change the message only while `read_ct` is still
 * the one this worker's read returned. PGMQ's read bumps `read_ct`, so once
 * the visibility timeout passed and another worker read the message, the old
 * delivery's writes match nothing (settled `lost`) instead of killing a job
 * another worker may yet finish, or making it visible under that worker (a
 * third run). PGMQ's tables are unchanged: the fence is a condition.
 *
 * A done ack is not fenced: the job succeeded, so its message is archived
 * (or deleted) once, by whichever of its runs finishes first; a later
 * delivery still running finds it gone (its heartbeat aborts its signal with
 * `LeaseLostError`, its ack is reported lost). Fencing it too would starve a
 * job whose handler blocks the event loop longer than the visibility timeout
 * whenever another worker is idle: each run would be taken over before it
 * acked, until the attempts ran out and the job was killed (docs/performance.md,
 * "Measurements behind design choices").
 *
 * While a done ack is queued or in flight, the message is still in the
 * queue, and once its visibility timeout passed (a handler that blocked the
 * event loop) a read may return it again, as may a read sent before the ack
 * committed whose reply is read after: `finishedHere` lets the worker drop
 * such a delivery instead of running the job a second time; the ack,
 * unfenced, archives (or deletes) it all the same.
 *
 * Heartbeats, retries and releases share one set_vt batcher on purpose:
 * its flushes run one after another and a later entry for a delivery replaces
 * an earlier one, so a heartbeat can never land after a retry's backoff and
 * push it out to the full visibility timeout.
 */
import type pg from "pg";
import type { Delivery, PgmqClient } from "../pgmq.js";
import { withRuntimeClient } from "../sql/statement.js";
import { type AckCallback, AckBatcher } from "./ackBatcher.js";
import { nextTurn } from "./wakeup.js";

export interface QueueAcksOptions {
  readonly queue: string;
  readonly client: PgmqClient;
  readonly onSuccess: "archive" | "delete";
  readonly deadLetter: string | null;
  /** Reports a failed write (it is retried) and a row the database refused. */
  readonly onError: (error: unknown) => void;
}

interface VisibilityEntry extends Delivery {
  readonly delaySeconds: number;
  /** Give the delivery's attempt back (`read_ct - 1`). */
  readonly returnAttempt: boolean;
}

interface DeadLetterEntry extends Delivery {
  readonly reason: string;
  readonly attempts: number;
}

export class QueueAcks {
  readonly #options: QueueAcksOptions;
  readonly #archive: AckBatcher<Delivery>;
  /** Deletes of done jobs (`onSuccess: "delete"`): not fenced, like archives. */
  readonly #deleteDone: AckBatcher<Delivery>;
  /** Deletes of killed jobs (no dead-letter queue): fenced. */
  readonly #deleteKilled: AckBatcher<Delivery>;
  readonly #visibility: AckBatcher<VisibilityEntry>;
  readonly #deadLetter: AckBatcher<DeadLetterEntry> | null;
  /** The batcher of done acks, per `onSuccess`. */
  readonly #done: AckBatcher<Delivery>;
  /** Messages with a done ack queued or in flight, and how many (a message read twice by this worker may have two). */
  readonly #donePending = new Map<bigint, number>();
  /** Messages whose done ack settled since the queue's current read was sent (see `readSent`). */
  #doneSinceRead = new Set<bigint>();
  /** The done-ack statement waiting for its connection, if any (one flush at a time per batcher). */
  #doneConnecting: { readonly promise: Promise<void> } | null = null;

  constructor(options: QueueAcksOptions) {
    this.#options = options;
    const { queue, client, onError } = options;
    const where = (entry: Delivery) => `queue ${queue}: message ${entry.msgId} (attempt ${entry.readCt})`;
    this.#archive = new AckBatcher({
      onError,
      write: (entries) => this.#writeDone(entries, (connection) => client.archive(queue, ids(entries), connection)),
      describe: (entry) => `${where(entry)}: archive`,
    });
    this.#deleteDone = new AckBatcher({
      onError,
      write: (entries) => this.#writeDone(entries, (connection) => client.delete(queue, ids(entries), connection)),
      describe: (entry) => `${where(entry)}: delete`,
    });
    this.#deleteKilled = new AckBatcher({
      onError,
      write: (entries) => client.deleteDeliveries(queue, entries),
      describe: (entry) => `${where(entry)}: delete (killed)`,
    });
    this.#visibility = new AckBatcher({
      onError,
      coalesce: true,
      write: (entries) => client.setDeliveryVisibility(queue, entries),
      describe: (entry) => `${where(entry)}: set_vt`,
    });
    this.#done = options.onSuccess === "archive" ? this.#archive : this.#deleteDone;
    const deadLetter = options.deadLetter;
    this.#deadLetter =
      deadLetter === null
        ? null
        : new AckBatcher({
            onError,
            write: (entries) => client.deadLetterDeliveries(queue, deadLetter, entries),
            describe: (entry) => `${where(entry)}: dead letter into ${deadLetter}`,
            // The reason is the likeliest culprit (it holds whatever the handler threw): try once more without it.
            fallback: (entry) => ({
              ...entry,
              reason: `killed on attempt ${entry.attempts}; its reason could not be stored (see the worker's error event)`,
            }),
          });
  }

  /**
   * The job is done: archive or delete it per `onSuccess`. `onSettled`
   * learns how the ack ended; `deadline` (epoch ms) is when the message
   * becomes visible again anyway.
   */
  done(delivery: Delivery, deadline: number, onSettled: AckCallback | null = null): void {
    const msgId = delivery.msgId;
    const pending = this.#donePending;
    pending.set(msgId, (pending.get(msgId) ?? 0) + 1);
    this.#done.add({ msgId, readCt: delivery.readCt }, deadline, (result) => {
      const left = pending.get(msgId)! - 1;
      if (left === 0) pending.delete(msgId);
      else pending.set(msgId, left);
      this.#doneSinceRead.add(msgId);
      onSettled?.(result);
    });
  }

  /**
   * The queue's reader is about to send a read. A done ack settled before
   * now has committed, so this read cannot return its message; only acks
   * that settle from now on may have been overtaken by it. One read at a
   * time per queue.
   */
  readSent(): void {
    if (this.#doneSinceRead.size > 0) this.#doneSinceRead = new Set();
  }

  /**
   * This worker finished `msgId` and its done ack is not settled, or settled
   * after the current read was sent: a delivery of it must not run (the ack
   * archives or deletes it, or did), nor be released (another worker could
   * take it before the ack lands).
   */
  finishedHere(msgId: bigint): boolean {
    return this.#donePending.has(msgId) || this.#doneSinceRead.has(msgId);
  }

  /** Done acks queued and not yet handed to a statement, or whose statement waits for a connection. */
  get doneUnsent(): boolean {
    return this.#done.size > 0 || this.#doneConnecting !== null;
  }

  /** Done acks queued and not yet handed to a statement (one may be in flight ahead of them). */
  get doneQueued(): boolean {
    return this.#done.size > 0;
  }

  /** Resolves once no done-ack statement waits for its connection, and the turn that sends it has passed. */
  async doneConnected(): Promise<void> {
    while (this.#doneConnecting !== null) {
      await this.#doneConnecting.promise;
      // The statement is issued in the promise jobs that follow the connection; they all run before a later turn.
      await nextTurn();
    }
  }

  /**
   * Writes a batch of done acks on a connection of its own checking-out, so
   * `sendDoneAcksFirst` knows when it has one; timed like any runtime
   * statement.
   */
  async #writeDone(
    entries: readonly Delivery[],
    statement: (connection: pg.PoolClient) => Promise<bigint[]>,
  ): Promise<readonly Delivery[]> {
    let resolve!: () => void;
    const connecting = { promise: new Promise<void>((done) => (resolve = done)) };
    this.#doneConnecting = connecting;
    const connected = (): void => {
      if (this.#doneConnecting === connecting) this.#doneConnecting = null;
      resolve();
    };
    try {
      const moved = await withRuntimeClient(this.#options.client.pool, (connection) => {
        connected();
        return statement(connection);
      });
      return matchedByIds(entries, moved);
    } finally {
      connected();
    }
  }

  /** The job failed with attempts left: visible again in `delaySeconds`. */
  retry(delivery: Delivery, delaySeconds: number, deadline: number, onSettled: AckCallback | null = null): void {
    this.#visibility.add(
      { msgId: delivery.msgId, readCt: delivery.readCt, delaySeconds, returnAttempt: false },
      deadline,
      onSettled,
    );
  }

  /** The job is killed: dead-lettered with `reason` where the queue has a dead-letter queue, else deleted. */
  kill(delivery: Delivery, reason: string, deadline: number, onSettled: AckCallback | null = null): void {
    const { msgId, readCt } = delivery;
    if (this.#deadLetter === null) this.#deleteKilled.add({ msgId, readCt }, deadline, onSettled);
    else this.#deadLetter.add({ msgId, readCt, reason, attempts: readCt }, deadline, onSettled);
  }

  /** Heartbeat: hide a running job's message for `seconds` more. */
  extend(delivery: Delivery, seconds: number, deadline: number, onSettled: AckCallback): void {
    this.#visibility.add(
      { msgId: delivery.msgId, readCt: delivery.readCt, delaySeconds: seconds, returnAttempt: false },
      deadline,
      onSettled,
    );
  }

  /**
   * Makes a message this worker took visible again now: one it will not run
   * (stop), or, with `returnAttempt`, one whose attempt ended through no fault
   * of its handler (its transaction's connection was lost), given back so it
   * does not count.
   */
  release(
    delivery: Delivery,
    deadline: number,
    onSettled: AckCallback | null = null,
    options: { returnAttempt?: boolean } = {},
  ): void {
    this.#visibility.add(
      {
        msgId: delivery.msgId,
        readCt: delivery.readCt,
        delaySeconds: 0,
        returnAttempt: options.returnAttempt === true,
      },
      deadline,
      onSettled,
    );
  }

  /** Writes everything pending, retrying until `until` (epoch ms). */
  async drain(until: number): Promise<void> {
    const batchers = [this.#archive, this.#deleteDone, this.#deleteKilled, this.#visibility, this.#deadLetter];
    await Promise.all(batchers.map((batcher) => batcher?.drain(until)));
  }
}

/** Some queue of `all` (a worker's queues) has done acks not yet on the wire. */
export function doneAcksUnsent(all: readonly QueueAcks[]): boolean {
  for (const acks of all) if (acks.doneUnsent) return true;
  return false;
}

/**
 * Resolves once the done acks `all` (every queue of a worker: a handler of
 * any queue can hold back the acks of all) have queued now are on the wire,
 * so that a handler started next, even one that blocks the event loop, does
 * not hold them back: after the turn in which their flush runs (immediates
 * run in order), and after their statement got its connection (an idle one
 * comes within that turn; a new one takes a handshake; an unreachable
 * server, up to the connection timeout). Acks queued behind a statement
 * still in flight get one more turn, whose poll phase reads its reply if it
 * has come and sends them; they are not waited for past that, since under
 * load a flush is nearly always in flight and waiting for its round trip
 * would cap throughput at one round of jobs per ack round trip
 * (docs/performance.md).
 */
export async function sendDoneAcksFirst(all: readonly QueueAcks[]): Promise<void> {
  await nextTurn();
  for (const acks of all) await acks.doneConnected();
  if (!all.some((acks) => acks.doneQueued)) return;
  await nextTurn();
  for (const acks of all) await acks.doneConnected();
}

function ids(entries: readonly Delivery[]): bigint[] {
  return entries.map((entry) => entry.msgId);
}

/** The entries whose message an unfenced statement moved (each id once: a message is archived once). */
function matchedByIds(entries: readonly Delivery[], moved: readonly bigint[]): readonly Delivery[] {
  if (moved.length === entries.length) return entries;
  const left = new Set(moved);
  return entries.filter((entry) => left.delete(entry.msgId));
}

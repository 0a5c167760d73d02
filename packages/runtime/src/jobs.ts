/**
 * One job, by its message id: where it is (`findJob`) and taking it back
 * before a worker runs it (`cancelJob`), what `pgmq-gen job` runs and what a
 * producer's `cancel` calls.
 */
import { getPool } from "./connection.js";
import { QueueMissingError } from "./errors.js";
import { MAX_MESSAGE_ID } from "./limits.js";
import { DEAD_LETTER_HEADER } from "./sql/deadLetterMessages.js";
import { type CancelledMessageRow, cancelMessageStatement } from "./sql/cancelMessage.js";
import {
  type FoundMessageRow,
  findArchivedMessageStatement,
  findDeadLetteredMessageStatement,
  findQueuedMessageStatement,
} from "./sql/findMessage.js";
import { readQueueColumns } from "./sql/queueColumns.js";
import { validateQueueName } from "./sql/queueNames.js";
import { type Queryable, runStatement } from "./sql/statement.js";
import type { MessageHeaders } from "./types.js";

/**
 * Where a job is:
 * - `queued`: visible, waiting for a worker (a retry whose backoff passed included);
 * - `delayed`: pushed with a delay, not yet visible, never read;
 * - `in_flight`: read and not yet visible again: a worker holds it, or it
 *   waits out a retry's backoff (PGMQ's row does not tell the two apart);
 * - `archived`: done, in the queue's archive (`pgmq.a_<queue>`);
 * - `dead_lettered`: killed, in the dead-letter queue.
 */
export type JobState = "queued" | "delayed" | "in_flight" | "archived" | "dead_lettered";

/** A job `findJob` found. */
export interface FoundJob {
  readonly state: JobState;
  /** The queue asked about. */
  readonly queue: string;
  /** Its id in that queue. */
  readonly msgId: bigint;
  /** Where its row is: `queue`, or the dead-letter queue when `dead_lettered`. */
  readonly location: { readonly queue: string; readonly msgId: bigint };
  /**
   * Deliveries so far (PGMQ's `read_ct`, 0 before the first); for a
   * dead-lettered job, the deliveries it had when killed (the record's `attempts`).
   */
  readonly attempts: number;
  /** When it was pushed (dead-lettered: when it was dead-lettered). */
  readonly enqueuedAt: Date;
  /** When it is (or became) visible; null when archived or dead-lettered. */
  readonly visibleAt: Date | null;
  /** When it was archived; null unless `archived`. */
  readonly archivedAt: Date | null;
  /** Why it was killed; null unless `dead_lettered`. */
  readonly reason: string | null;
  /** The payload, as stored. */
  readonly message: unknown;
  /** The headers, as stored (with the dead-letter record when dead-lettered). */
  readonly headers: MessageHeaders | null;
}

export interface FindJobOptions {
  /** The queue's dead-letter queue (its `deadLetter` option), to look there too. (Default: none) */
  deadLetterQueue?: string | null;
  /** Where to look: a pool, or a client. (Default: the shared pool) */
  db?: Queryable;
}

export interface CancelJobOptions extends FindJobOptions {
  /**
   * Delete it in flight too: its handler may be running, and goes on; its
   * ack then finds nothing (the worker reports an `AckLostError`). (Default: false)
   */
  inFlight?: boolean;
}

/** What `cancelJob` did. */
export interface CancelResult {
  /** The message was deleted. */
  readonly cancelled: boolean;
  /** Its state when deleted, or why it was not: in flight, archived, dead-lettered or not found. */
  readonly state: JobState | "not_found";
}

/** A message id as the statements take it (text); a TypeError past PostgreSQL's bigint, before any query. */
export function messageId(msgId: bigint): string {
  if (typeof msgId !== "bigint" || msgId < 1n || msgId > MAX_MESSAGE_ID)
    throw new TypeError(`msgId: expected a bigint from 1 to 2^63 - 1, got ${String(msgId)}`);
  return msgId.toString();
}

/**
 * Where message `msgId` of `queue` is, with its attempts, headers and
 * payload; null when it is in none of the queue, its archive and (given
 * `deadLetterQueue`) its dead-letter queue: deleted, purged or never sent.
 * Looks only, changes nothing; a missing queue is a `QueueMissingError`,
 * never created. A dead-lettered job is found by a scan of the dead-letter
 * queue (the record is not indexed).
 */
export async function findJob(queue: string, msgId: bigint, options: FindJobOptions = {}): Promise<FoundJob | null> {
  validateQueueName(queue);
  const id = messageId(msgId);
  const db = options.db ?? getPool();
  const columns = await readQueueColumns(db, queue);
  if (columns === null) throw new QueueMissingError(queue, { reason: "findJob does not create queues" });
  const here = { queue, msgId };
  const queued = await runStatement<FoundMessageRow>(db, findQueuedMessageStatement(queue, columns), [id]);
  if (queued.rows[0] !== undefined) return toFoundJob(queued.rows[0], here, here);
  if (columns.archive) {
    const archived = await runStatement<FoundMessageRow>(db, findArchivedMessageStatement(queue, columns), [id]);
    if (archived.rows[0] !== undefined) return toFoundJob(archived.rows[0], here, here);
  }
  const deadLetterQueue = options.deadLetterQueue;
  if (deadLetterQueue === undefined || deadLetterQueue === null) return null;
  const deadLetterColumns = await readQueueColumns(db, validateQueueName(deadLetterQueue));
  if (deadLetterColumns === null || !deadLetterColumns.headers) return null;
  const dead = await runStatement<FoundMessageRow>(db, findDeadLetteredMessageStatement(deadLetterQueue), [queue, id]);
  const row = dead.rows[0];
  return row === undefined ? null : toFoundJob(row, here, { queue: deadLetterQueue, msgId: row.msg_id });
}

function toFoundJob(
  row: FoundMessageRow,
  asked: { queue: string; msgId: bigint },
  location: { queue: string; msgId: bigint },
): FoundJob {
  const deadLettered = row.state === "dead_lettered";
  const record = deadLettered ? ((row.headers?.[DEAD_LETTER_HEADER] ?? {}) as Record<string, unknown>) : {};
  return {
    state: row.state,
    queue: asked.queue,
    msgId: asked.msgId,
    location,
    attempts: deadLettered && typeof record.attempts === "number" ? record.attempts : row.read_ct,
    enqueuedAt: row.enqueued_at,
    visibleAt: row.state === "archived" || deadLettered ? null : row.vt,
    archivedAt: row.archived_at,
    reason: deadLettered ? (typeof record.error === "string" ? record.error : "") : null,
    message: row.message,
    headers: row.headers as MessageHeaders | null,
  };
}

/**
 * Deletes message `msgId` of `queue` if no worker holds it: queued
 * (visible, a failed job waiting for its retry included) or delayed. One
 * in flight is left alone unless `inFlight`: its handler may be running,
 * and would go on without knowing. A worker that reads the message while
 * the cancel runs wins: the message is then in flight and not deleted. Not
 * deleted, the result says where the message is (`findJob`). A missing
 * queue is a `QueueMissingError`, never created.
 */
export async function cancelJob(queue: string, msgId: bigint, options: CancelJobOptions = {}): Promise<CancelResult> {
  validateQueueName(queue);
  const id = messageId(msgId);
  const db = options.db ?? getPool();
  const columns = await readQueueColumns(db, queue);
  if (columns === null) throw new QueueMissingError(queue, { reason: "cancelJob does not create queues" });
  const { rows } = await runStatement<CancelledMessageRow>(db, cancelMessageStatement(queue), [
    id,
    options.inFlight === true,
  ]);
  if (rows[0] !== undefined) return { cancelled: true, state: rows[0].state };
  const found = await findJob(queue, msgId, options);
  return { cancelled: false, state: found?.state ?? "not_found" };
}

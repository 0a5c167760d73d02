/**
 * `queueMessages`: the messages of one queue in one state, a page at a
 * time, what the dashboard lists. Paged by message id (keyset, never
 * OFFSET), so the thousandth page costs what the first does.
 */
import { getPool } from "./connection.js";
import { QueueMissingError } from "./errors.js";
import { payloadBoundOf } from "./payloadBound.js";
import { messageCursor } from "./messageCursor.js";
import { readQueueColumns } from "./sql/queueColumns.js";
import { validateQueueName } from "./sql/queueNames.js";
import { type QueuedMessageRow, queueMessagesStatement } from "./sql/queueMessages.js";
import { type Queryable, runStatement } from "./sql/statement.js";
import type { MessageHeaders } from "./types.js";

/**
 * Where a message of the queue is, as `queueStatus` counts it:
 * - `visible`: a read would take it now (`vt` passed);
 * - `in_flight`: read at least once and not visible again yet: a worker
 *   holds it, or it waits out a retry's backoff (the row does not tell);
 * - `delayed`: never read and not visible yet: pushed with a delay.
 */
export type QueuedMessageState = "visible" | "in_flight" | "delayed";

/** One message of the queue, as stored. */
export interface QueuedMessage {
  readonly msgId: bigint;
  /** Deliveries so far (PGMQ's `read_ct`, 0 before the first). */
  readonly readCt: number;
  /** When it was pushed. */
  readonly enqueuedAt: Date;
  /** When it is (or became) visible. */
  readonly vt: Date;
  /** When it was last read; null when never read or the table predates PGMQ 1.10's `last_read_at` column. */
  readonly lastReadAt: Date | null;
  /** The payload, as stored; null when larger than `maxPayloadBytes` (`payloadOmitted`). */
  readonly message: unknown;
  /** The payload's stored size in bytes (after PostgreSQL's compression, when it compressed it). */
  readonly payloadBytes: number;
  /** The payload was larger than `maxPayloadBytes` and not read: `message` is null. */
  readonly payloadOmitted: boolean;
  /** The headers, as stored; null when none, or the table has no headers column (PGMQ before 1.5). */
  readonly headers: MessageHeaders | null;
}

export interface QueueMessagesOptions {
  /** Which messages: visible, in flight or delayed (see `QueuedMessageState`). */
  state: QueuedMessageState;
  /** Page forward: the messages with ids above this one, lowest first (the last id of the page shown). (Default: from the first message) */
  after?: bigint;
  /**
   * Page backward: the `limit` messages with the highest ids below this one,
   * returned lowest first (the first id of the page shown). Not with `after`.
   * (Default: page forward)
   */
  before?: bigint;
  /** Messages per page, from 1 to 1000. (Default: 50) */
  limit?: number;
  /**
   * Payloads larger than this (stored size, bytes) are not read: the
   * message comes with `payloadOmitted` and its size, so a page of huge
   * payloads costs what a page of small ones does. (Default: no bound)
   */
  maxPayloadBytes?: number;
  /** Where to look: a pool, or a client. (Default: the shared pool, from `configure()` or `DATABASE_URL`) */
  db?: Queryable;
}

/** A page of a queue's messages in one state. */
export interface QueueMessagesPage {
  /** At most `limit`, lowest id first. */
  readonly messages: QueuedMessage[];
  /** A message of the state has an id below the first returned (below or at `after` when the page is empty): a previous page. */
  readonly hasBefore: boolean;
  /** A message of the state has an id above the last returned (at or above `before` when the page is empty): a next page. */
  readonly hasAfter: boolean;
}

const LIMIT_DEFAULT = 50;
const LIMIT_MAX = 1000;
const STATES: readonly QueuedMessageState[] = ["visible", "in_flight", "delayed"];

function limitOf(value: number | undefined): number {
  const limit = value ?? LIMIT_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > LIMIT_MAX)
    throw new RangeError(`limit: expected an integer from 1 to ${LIMIT_MAX}, got ${limit}`);
  return limit;
}

function toQueuedMessage(row: QueuedMessageRow & { msg_id: bigint }, maxPayloadBytes: number | null): QueuedMessage {
  return {
    msgId: row.msg_id,
    readCt: row.read_ct,
    enqueuedAt: row.enqueued_at,
    vt: row.vt,
    lastReadAt: row.last_read_at,
    message: row.message,
    payloadBytes: row.payload_bytes,
    payloadOmitted: maxPayloadBytes !== null && row.payload_bytes > maxPayloadBytes,
    headers: row.headers as MessageHeaders | null,
  };
}

/**
 * A page of the messages of `queue` in `options.state`, lowest id first:
 * from the first (no cursor), after `after`, or the last `limit` before
 * `before`; with whether there are more of them on either side. One
 * statement, which walks the primary key from the cursor and reads the
 * rows it returns plus those of other states between them, not the whole
 * queue; a state rare in a long queue (a few in flight among a million
 * delayed) costs the walk to them, and one that has none a walk to the
 * end: `queueStatus` counts them first. Looks only, changes nothing; a
 * missing queue is a `QueueMissingError`, never created. A message changes
 * state as workers read and ack it, so paging on may skip or repeat one:
 * each page is what the queue held at its own moment.
 *
 * @example
 * const first = await queueMessages("email", { state: "in_flight", limit: 20 });
 * const last = first.messages.at(-1);
 * if (first.hasAfter && last) await queueMessages("email", { state: "in_flight", limit: 20, after: last.msgId });
 */
export async function queueMessages(queue: string, options: QueueMessagesOptions): Promise<QueueMessagesPage> {
  validateQueueName(queue);
  const { state, after, before } = options;
  if (!STATES.includes(state))
    throw new RangeError(
      `state: expected one of ${STATES.map((each) => `"${each}"`).join(", ")}, got ${String(state)}`,
    );
  if (after !== undefined && before !== undefined)
    throw new RangeError("queueMessages: give `after` or `before`, not both");
  const limit = limitOf(options.limit);
  const maxPayloadBytes = payloadBoundOf(options.maxPayloadBytes);
  const backward = before !== undefined;
  const cursor = backward ? messageCursor(before, "before") : messageCursor(after ?? 0n, "after");
  const db = options.db ?? getPool();
  const columns = await readQueueColumns(db, queue);
  if (columns === null) throw new QueueMissingError(queue, { reason: "queueMessages does not create queues" });
  const { rows } = await runStatement<QueuedMessageRow>(
    db,
    queueMessagesStatement(queue, columns, state, backward ? "backward" : "forward"),
    [cursor, limit + 1, maxPayloadBytes],
  );
  const hasOther = rows[0]?.has_other === true;
  const found = rows.filter((row): row is QueuedMessageRow & { msg_id: bigint } => row.msg_id !== null);
  const more = found.length > limit;
  // The extra row lies beyond the page, on the far side from the cursor.
  const page = more ? (backward ? found.slice(1) : found.slice(0, limit)) : found;
  return {
    messages: page.map((row) => toQueuedMessage(row, maxPayloadBytes)),
    hasBefore: backward ? more : hasOther,
    hasAfter: backward ? hasOther : more,
  };
}

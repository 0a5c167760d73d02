/**
 * The PGMQ-compatible queue client: PGMQ's operations (send, read, archive,
 * delete, set_vt, metrics, purge, drop) as plain SQL against PGMQ's tables,
 * so it works with or without the pgmq extension installed.
 *
 * Each statement is built once per queue and shape (for the columns the
 * queue's tables actually have) and run as a named prepared statement.
 * Message ids are bigint end to end: they never pass through a JS number.
 */
import type pg from "pg";
import { isAutoCreateEnabled, watchPoolErrors } from "./connection.js";
import { type JobIssues, QueueMissingError, ValidationError } from "./errors.js";
import { sharesPoolDatabase, withDedicatedConnection } from "./dedicatedConnection.js";
import { dropQueue, ensureQueueOnce, forgetQueue } from "./queueSetup.js";
import { MAX_DATABASE_SECONDS, MAX_PRUNE_BATCH_SIZE } from "./limits.js";
import { archiveMessagesStatement } from "./sql/archiveMessages.js";
import { deadLetterMessagesStatement } from "./sql/deadLetterMessages.js";
import { type DeleteArchivedRow, deleteArchivedStatement } from "./sql/deleteArchived.js";
import { deleteDeliveriesStatement, deleteMessagesStatement } from "./sql/deleteMessages.js";
import { purgeQueueStatement } from "./sql/purgeQueue.js";
import { type QueueColumns, readQueueColumns } from "./sql/queueColumns.js";
import { type QueueMetricsRow, queueMetricsStatement } from "./sql/queueMetrics.js";
import { type QueueMetricsEstimateRow, queueMetricsEstimateStatement } from "./sql/queueMetricsEstimate.js";
import { validateQueueName } from "./sql/queueNames.js";
import {
  type BoundedMessageRow,
  type MessageRow,
  readMessagesStatement,
  readMessagesWithinStatement,
} from "./sql/readMessages.js";
import { type PayloadRow, readPayloadStatement } from "./sql/readPayload.js";
import { delayForm, delayValue, sendMessageStatement, sendMessagesStatement } from "./sql/sendMessages.js";
import { setDeliveryVisibilityStatement, setVisibilityStatement } from "./sql/setVisibility.js";
import { idsParameter, type Queryable, runStatement, type Statement } from "./sql/statement.js";
import { toStorableHeaders, toStorableJson } from "./storableJson.js";
import { storableText } from "./storableText.js";
import type { JsonValue, MessageHeaders } from "./types.js";

/** A message as `read` returns it. */
export interface ReadMessage {
  msgId: bigint;
  /** Deliveries so far, this one included (1 on the first). */
  readCt: number;
  enqueuedAt: Date;
  /** When the message becomes visible again unless archived, deleted or its visibility is changed. */
  vt: Date;
  /** The stored (encoded) JSON value. */
  message: unknown;
  headers: MessageHeaders | null;
  /**
   * Bytes of `message` and `headers` as JSON text, measured by `readWithin`
   * (absent from `read`, which does not measure; 0 for a message past the
   * read_ct limit, which is not measured).
   */
  payloadBytes?: number;
  /**
   * `readWithin` left `message` and `headers` out (null here): the payload
   * is bigger than the inline limit, or the message is past the read_ct
   * limit. `readPayload` fetches it.
   */
  payloadDeferred?: boolean;
}

/** Limits of `readWithin`. */
export interface ReadLimits {
  /**
   * Bytes of payload (message and headers as JSON text) the read may take:
   * messages are taken in `read`'s order while the payloads before them total
   * less, so the first visible message is always taken. (Only messages
   * whose stored, compressed sizes before them total under a sixteenth of
   * it are measured and may be taken: the cost of measuring stays near what
   * the read returns.) Bytes.
   */
  maxBytes: number;
  /** A payload bigger than this is left out of the read (`payloadDeferred`). Bytes. */
  inlineBytes: number;
  /** The payload of a message whose `readCt` (this delivery included) exceeds this is left out, and not measured. */
  inlineReadCt: number;
}

/** What `readWithin` took. */
export interface BoundedRead {
  /** The messages taken, in the order they became visible (see `read`). */
  messages: ReadMessage[];
  /** Visible messages were left because of the byte budget: the queue is not drained. */
  cutByBytes: boolean;
}

/**
 * One delivery of a message: its id and the `read_ct` the read that
 * delivered it returned. Every read bumps `read_ct`, so a later read (by
 * another worker, once the visibility timeout passed) is a new delivery, and
 * an ack fenced by the old one matches nothing.
 */
export interface Delivery {
  readonly msgId: bigint;
  readonly readCt: number;
}

/** A delivery's set_vt (`setDeliveryVisibility`). */
export interface DeliveryVisibility extends Delivery {
  /** Seconds from now until the message is visible again (0 = at once). */
  readonly delaySeconds: number;
  /**
   * Give this delivery's attempt back (`read_ct - 1`): the attempt ended
   * through no fault of the handler (a lost connection). (Default: false)
   */
  readonly returnAttempt?: boolean;
}

export interface SendOptions {
  /** Seconds before the message becomes visible, or the moment it does. (Default: 0) */
  delay?: number | Date;
  /** Headers stored with the message(s): a JSON object, checked like a message; null for none. (Default: null) */
  headers?: MessageHeaders | null;
  /** Run on this client (e.g. inside the caller's transaction). (Default: the client's pool) */
  client?: pg.ClientBase;
}

/** Options of `sendJson` and `sendJsonBatch`: the headers come as JSON text, like the messages. */
export interface SendJsonOptions extends Omit<SendOptions, "headers"> {
  /** JSON text of a headers object, stored as is; null for none. (Default: null) */
  headersJson?: string | null;
  /**
   * Leave `headersJson` out, instead of refusing the send, where the queue's
   * table has no headers column (made by PGMQ before 1.5): producers set it
   * when the headers are only their version stamp, which such a table cannot
   * hold (its messages are read as unstamped). (Default: false)
   */
  headersOptional?: boolean;
}

export interface PgmqClientOptions {
  /** Create missing queues on first use. (Default: `configure({ autoCreate })`, itself true by default) */
  autoCreate?: boolean;
}

export interface QueueMetrics {
  /** Messages in the queue, visible or not. */
  queueLength: number;
  /** Age in whole seconds of the oldest message; null when the queue is empty. */
  oldestMsgAgeSec: number | null;
  /** Messages ever sent: the last id handed out (0 before the first). */
  totalMessages: bigint;
}

/** Options of `deleteArchived`. */
export interface DeleteArchivedOptions {
  /** Delete rows archived longer ago than this (0: every row archived before the call). Seconds, at most 10^9. */
  olderThanSeconds: number;
  /** Rows deleted per statement, each committed on its own. (Default: 5000; at most 100 000) */
  batchSize?: number;
}

/** Options of `metricsEstimate`. */
export interface MetricsEstimateOptions {
  /** Visible messages are counted up to this many: the count's cost. (Default: 10000; at most 1 000 000) */
  visibleCap?: number;
}

/** `metricsEstimate`'s figures: each costs what it returns, none scans the queue. */
export interface QueueMetricsEstimate {
  /**
   * Messages in the queue, visible or not, estimated: the statistics
   * system's live tuples (`n_live_tup`), which every committed send,
   * delete and archive moves within about a second, where `pg_class.reltuples`
   * moves only at VACUUM or ANALYZE (a drained queue would still look full).
   * When the statistics counted nothing for the table (never written since a
   * reset, or a standby), `reltuples` (unless never analysed, -1). Never
   * below `visibleCount`; 0 exactly when the queue is empty. After
   * `pg_stat_reset` it counts only changes since, until the next
   * autovacuum or ANALYZE of the queue. For a partitioned queue (not
   * tested) the parent's figures are read, which count no rows.
   */
  queueLengthEstimate: number;
  /** Visible messages (vt <= now), counted up to `visibleCap`. */
  visibleCount: number;
  /** More than `visibleCap` messages are visible: `visibleCount` stopped at the cap. */
  visibleCountCapped: boolean;
  /** Age in whole seconds of the message with the lowest id (the oldest, but for concurrent sends); null when empty. */
  oldestMsgAgeSec: number | null;
  /** Whole seconds the longest-waiting visible message has been visible (now - vt); null when none is. */
  oldestVisibleWaitSec: number | null;
  /** Messages ever sent: the last id handed out (0 before the first). */
  totalMessages: bigint;
}

const RETENTION_BATCH_DEFAULT = 5000;
const RETENTION_BATCH_MAX = MAX_PRUNE_BATCH_SIZE;
const VISIBLE_CAP_DEFAULT = 10_000;
const VISIBLE_CAP_MAX = 1_000_000;

/** A queue's columns and the statements built for them, each built on first use. */
class QueueHandle {
  private readonly statements = new Map<string, Statement>();
  constructor(
    readonly queue: string,
    readonly columns: QueueColumns,
  ) {}

  statement(key: string, build: () => Statement): Statement {
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = build();
      this.statements.set(key, statement);
    }
    return statement;
  }
}

const UNDEFINED_TABLE = "42P01";

function isUndefinedTable(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNDEFINED_TABLE;
}

/** The JSON text of a push's headers; a ValidationError (pointers `headers/...`) when they cannot be stored. */
function headersJsonOf(queue: string, headers: MessageHeaders | null | undefined): string | null {
  const json = toStorableHeaders(headers);
  if (!json.ok) throw ValidationError.forHeaders(queue, json.issues);
  return json.headers?.text ?? null;
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${what}: expected an integer >= 1, got ${value}`);
  return value;
}

const INT4_MAX = 2 ** 31 - 1;

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what}: expected an integer >= 0, got ${value}`);
  return value;
}

function seconds(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what}: expected seconds >= 0, got ${value}`);
  return value;
}

function atMost(value: number, max: number, what: string): number {
  if (value > max) throw new RangeError(`${what}: expected at most ${max}, got ${value}`);
  return value;
}

export class PgmqClient {
  readonly pool: pg.Pool;
  private readonly autoCreate: boolean | undefined;
  private readonly handles = new Map<string, QueueHandle>();
  private readonly loading = new Map<string, Promise<QueueHandle>>();

  constructor(pool: pg.Pool, options: PgmqClientOptions = {}) {
    this.pool = pool;
    this.autoCreate = options.autoCreate;
    watchPoolErrors(pool);
  }

  /**
   * Creates the queue if missing (or throws `QueueMissingError` when
   * autoCreate is off); cached per pool. Creation never runs inside a
   * caller's transaction: DDL that rolls back would vanish while the cache
   * still said the queue exists. Given the caller's `client`, the check runs
   * on it, and a missing queue is created on a connection of its own rather
   * than one from the pool, which the caller may be holding the last of
   * (in the client's database, when that is not the pool's).
   *
   * A queue without its insert-notify trigger gets it here (a worker's
   * start), unless `tablesOnly`: adding it waits for every transaction that
   * wrote to the queue, and a push or read needs only the tables.
   */
  ensureQueue(queue: string, client?: pg.ClientBase, options: { tablesOnly?: boolean } = {}): Promise<void> {
    return ensureQueueOnce(this.pool, queue, {
      autoCreate: this.autoCreate ?? isAutoCreateEnabled(),
      ...(client !== undefined ? { client } : {}),
      ...(options.tablesOnly === true ? { tablesOnly: true } : {}),
    });
  }

  /**
   * Sends one message; resolves to its id. The message and headers are
   * stored as their `JSON.stringify` text; what PostgreSQL cannot store
   * (NUL, lone surrogates, BigInt, ...) is a `ValidationError` first.
   */
  async send(queue: string, message: JsonValue, options: SendOptions = {}): Promise<bigint> {
    const { headers, ...rest } = options;
    const json = toStorableJson(message);
    if (!json.ok) throw new ValidationError(queue, json.issues);
    return this.sendJson(queue, json.text, { ...rest, headersJson: headersJsonOf(queue, headers) });
  }

  /** Sends many messages in one statement: all or none. Resolves to their ids, in order. Checked as `send` checks. */
  async sendBatch(queue: string, messages: readonly JsonValue[], options: SendOptions = {}): Promise<bigint[]> {
    const { headers, ...rest } = options;
    const texts: string[] = [];
    const failures: JobIssues[] = [];
    for (let index = 0; index < messages.length; index++) {
      const json = toStorableJson(messages[index]);
      if (json.ok) texts.push(json.text);
      else failures.push({ index, issues: json.issues });
    }
    if (failures.length > 0) throw ValidationError.forBatch(queue, failures);
    return this.sendJsonBatch(queue, texts, { ...rest, headersJson: headersJsonOf(queue, headers) });
  }

  /**
   * Sends one message given as JSON text (a codec's `encodeJson`), stored
   * byte for byte: nothing is stringified or checked again.
   */
  async sendJson(queue: string, messageJson: string, options: SendJsonOptions = {}): Promise<bigint> {
    return (await this.insert(queue, messageJson, options))[0]!;
  }

  /** `sendJson` for many messages in one statement: all or none. Resolves to their ids, in order. */
  async sendJsonBatch(
    queue: string,
    messagesJson: readonly string[],
    options: SendJsonOptions = {},
  ): Promise<bigint[]> {
    if (messagesJson.length > 0) return this.insert(queue, messagesJson, options);
    delayValue(options.delay);
    return [];
  }

  /** One message (`send`) or an array of them (`send_batch`), as JSON text. */
  private async insert(
    queue: string,
    messages: string | readonly string[],
    options: SendJsonOptions,
  ): Promise<bigint[]> {
    const form = delayForm(options.delay);
    const delay = delayValue(options.delay);
    const headersJson = options.headersJson ?? null;
    const operation = typeof messages === "string" ? "send" : "send_batch";
    const build = typeof messages === "string" ? sendMessageStatement : sendMessagesStatement;
    const { rows } = await this.run<{ msg_id: bigint }>(queue, options.client, (handle) => {
      const values: unknown[] = [messages];
      if (handle.columns.headers) values.push(headersJson);
      else if (headersJson !== null && options.headersOptional !== true) throw noHeadersColumn(queue);
      if (form !== "now") values.push(delay);
      return [handle.statement(`${operation}:${form}`, () => build(queue, handle.columns, form)), values];
    });
    return rows.map((row) => row.msg_id);
  }

  /**
   * PGMQ's read: up to `quantity` visible messages (vt <= now) in the order
   * they became visible (PGMQ's own read goes by id; see readMessages.ts),
   * skipping rows other readers hold; each becomes invisible for
   * `visibilityTimeout` seconds and its `read_ct` goes up by one. Bounded
   * by count only, as PGMQ's: workers read with `readWithin`.
   */
  async read(
    queue: string,
    visibilityTimeout: number,
    quantity: number,
    client?: pg.ClientBase,
  ): Promise<ReadMessage[]> {
    const values = [positiveInteger(quantity, "quantity"), seconds(visibilityTimeout, "visibilityTimeout")];
    const { rows } = await this.run<MessageRow>(queue, client, (handle) => [
      handle.statement("read", () => readMessagesStatement(queue, handle.columns)),
      values,
    ]);
    return rows.map((row) => ({
      msgId: row.msg_id,
      readCt: row.read_ct,
      enqueuedAt: row.enqueued_at,
      vt: row.vt,
      message: row.message,
      headers: (row.headers ?? null) as MessageHeaders | null,
    }));
  }

  /**
   * `read` bounded by bytes as well as count (see `ReadLimits`), for
   * workers: one statement, so one round trip for messages that fit. A
   * payload left out is fetched with `readPayload` after this read has
   * committed, so the delivery is already counted in `read_ct` when it
   * crosses the wire.
   */
  async readWithin(
    queue: string,
    visibilityTimeout: number,
    quantity: number,
    limits: ReadLimits,
    client?: pg.ClientBase,
  ): Promise<BoundedRead> {
    const values = [
      positiveInteger(quantity, "quantity"),
      seconds(visibilityTimeout, "visibilityTimeout"),
      positiveInteger(limits.maxBytes, "maxBytes"),
      nonNegativeInteger(limits.inlineBytes, "inlineBytes"),
      // read_ct is an int column: any limit past its range is no limit.
      Math.min(nonNegativeInteger(limits.inlineReadCt, "inlineReadCt"), INT4_MAX),
    ];
    const { rows } = await this.run<BoundedMessageRow>(queue, client, (handle) => [
      handle.statement("read_within", () => readMessagesWithinStatement(queue, handle.columns)),
      values,
    ]);
    const messages = rows.map(
      (row): ReadMessage => ({
        msgId: row.msg_id,
        readCt: row.read_ct,
        enqueuedAt: row.enqueued_at,
        vt: row.vt,
        message: row.message === null ? null : JSON.parse(row.message),
        headers: row.headers === null ? null : (JSON.parse(row.headers) as MessageHeaders | null),
        payloadBytes: row.payload_bytes,
        payloadDeferred: row.payload_deferred,
      }),
    );
    return { messages, cutByBytes: rows.length > 0 && rows[0]!.candidates > rows.length };
  }

  /**
   * The payload of one message (for one `readWithin` left out), or null when
   * the message is no longer in the queue. Reads only: the message keeps its
   * visibility and `read_ct`.
   */
  async readPayload(
    queue: string,
    msgId: bigint,
    client?: pg.ClientBase,
  ): Promise<{ message: unknown; headers: MessageHeaders | null } | null> {
    const { rows } = await this.run<PayloadRow>(queue, client, (handle) => [
      handle.statement("read_payload", () => readPayloadStatement(queue, handle.columns)),
      [msgId.toString()],
    ]);
    const row = rows[0];
    return row === undefined ? null : { message: row.message, headers: (row.headers ?? null) as MessageHeaders | null };
  }

  /** Moves messages to `pgmq.a_<queue>` (one statement); resolves to the ids archived. */
  async archive(queue: string, msgIds: readonly bigint[], client?: pg.ClientBase): Promise<bigint[]> {
    if (msgIds.length === 0) return [];
    const { rows } = await this.run<{ msg_id: bigint }>(queue, client, (handle) => {
      if (!handle.columns.archive) throw new QueueMissingError(queue);
      return [
        handle.statement("archive", () => archiveMessagesStatement(queue, handle.columns)),
        [idsParameter(msgIds)],
      ];
    });
    return rows.map((row) => row.msg_id);
  }

  /** Deletes messages; resolves to the ids deleted. */
  async delete(queue: string, msgIds: readonly bigint[], client?: pg.ClientBase): Promise<bigint[]> {
    if (msgIds.length === 0) return [];
    const { rows } = await this.run<{ msg_id: bigint }>(queue, client, (handle) => [
      handle.statement("delete", () => deleteMessagesStatement(queue)),
      [idsParameter(msgIds)],
    ]);
    return rows.map((row) => row.msg_id);
  }

  /**
   * Deletes each message only while its `read_ct` is still the given
   * delivery's (one statement); resolves to the deliveries deleted. How a
   * worker deletes a killed job: a stale holder's kill matches nothing.
   */
  async deleteDeliveries(queue: string, deliveries: readonly Delivery[], client?: pg.ClientBase): Promise<Delivery[]> {
    if (deliveries.length === 0) return [];
    const { rows } = await this.run<DeliveryRow>(queue, client, (handle) => [
      handle.statement("delete_deliveries", () => deleteDeliveriesStatement(queue)),
      deliveriesParameters(deliveries),
    ]);
    return rows.map(toDelivery);
  }

  /**
   * PGMQ's set_vt for many messages, each visible again `delaySeconds` from
   * now (0 = at once); `read_ct` is untouched. One statement. Resolves to the
   * ids updated.
   */
  async setVisibility(
    queue: string,
    entries: readonly { msgId: bigint; delaySeconds: number }[],
    client?: pg.ClientBase,
  ): Promise<bigint[]> {
    if (entries.length === 0) return [];
    const ids = idsParameter(entries.map((entry) => entry.msgId));
    const delays = entries.map((entry) => seconds(entry.delaySeconds, "delaySeconds"));
    const { rows } = await this.run<{ msg_id: bigint }>(queue, client, (handle) => [
      handle.statement("set_vt", () => setVisibilityStatement(queue)),
      [ids, delays],
    ]);
    return rows.map((row) => row.msg_id);
  }

  /**
   * `setVisibility` fenced by the delivery (see `deleteDeliveries`), one
   * statement; an entry may give its attempt back. Resolves to the
   * deliveries updated (with the `read_ct` they had).
   */
  async setDeliveryVisibility(
    queue: string,
    entries: readonly DeliveryVisibility[],
    client?: pg.ClientBase,
  ): Promise<Delivery[]> {
    if (entries.length === 0) return [];
    const [ids, readCts] = deliveriesParameters(entries);
    const delays = entries.map((entry) => seconds(entry.delaySeconds, "delaySeconds"));
    const givenBack = entries.map((entry) => (entry.returnAttempt === true ? 1 : 0));
    const { rows } = await this.run<DeliveryRow>(queue, client, (handle) => [
      handle.statement("set_vt_deliveries", () => setDeliveryVisibilityStatement(queue)),
      [ids, delays, readCts, givenBack],
    ]);
    return rows.map(toDelivery);
  }

  /**
   * Moves killed messages to `deadLetterQueue` and deletes them from `queue`
   * in one statement. The dead letter keeps the message; its headers are the
   * original headers plus `x-pgmq-gen-dead-letter: { error, attempts,
   * sourceQueue, sourceMsgId (text), killedAt }`. A reason's NULs are
   * written as `\u0000` and its lone surrogates as U+FFFD (PostgreSQL's text
   * cannot hold them). An entry with `readCt` is fenced by that delivery
   * (see `deleteDeliveries`). Resolves to the source ids moved.
   */
  async deadLetter(
    queue: string,
    deadLetterQueue: string,
    entries: readonly { msgId: bigint; reason: string; attempts: number; readCt?: number }[],
    client?: pg.ClientBase,
  ): Promise<bigint[]> {
    return (await this.deadLetterDeliveries(queue, deadLetterQueue, entries, client)).map((moved) => moved.msgId);
  }

  /** `deadLetter`, resolving to the deliveries moved (with their `read_ct`). */
  async deadLetterDeliveries(
    queue: string,
    deadLetterQueue: string,
    entries: readonly { msgId: bigint; reason: string; attempts: number; readCt?: number }[],
    client?: pg.ClientBase,
  ): Promise<Delivery[]> {
    validateQueueName(deadLetterQueue);
    if (deadLetterQueue === queue) throw new RangeError(`queue "${queue}" cannot be its own dead-letter queue`);
    if (entries.length === 0) return [];
    const deadLetterHandle = await this.handle(deadLetterQueue, client);
    const values: unknown[] = [
      idsParameter(entries.map((entry) => entry.msgId)),
      entries.map((entry) => storableText(String(entry.reason))),
      entries.map((entry) => entry.attempts),
      entries.map((entry) => entry.readCt ?? null),
    ];
    // The source queue's name only goes into the dead-letter record, which needs a headers column.
    if (deadLetterHandle.columns.headers) values.push(queue);
    try {
      const { rows } = await this.run<DeliveryRow>(queue, client, (handle) => [
        handle.statement(`dead_letter:${deadLetterQueue}`, () =>
          deadLetterMessagesStatement(queue, deadLetterQueue, handle.columns, deadLetterHandle.columns),
        ),
        values,
      ]);
      return rows.map(toDelivery);
    } catch (error) {
      // The dead-letter queue may be the table that went missing: the next call re-ensures it.
      if (isUndefinedTable(error)) this.forget(deadLetterQueue);
      throw error;
    }
  }

  /**
   * PGMQ's metrics for one queue, exact: a full scan of the queue, O(its
   * length) (docs/research/deep-queues-2026-11-30.md §5). Dashboards and
   * status polls should use `metricsEstimate`.
   */
  async metrics(queue: string): Promise<QueueMetrics> {
    const { rows } = await this.run<QueueMetricsRow>(queue, undefined, (handle) => [
      handle.statement("metrics", () => queueMetricsStatement(queue)),
      [`pgmq.q_${queue}`],
    ]);
    const row = rows[0]!;
    return {
      queueLength: Number(row.queue_length),
      oldestMsgAgeSec: row.oldest_msg_age_sec,
      totalMessages: row.total_messages,
    };
  }

  /**
   * The queue's figures for dashboards and status (see
   * `QueueMetricsEstimate`), in one statement that reads index entries up
   * to `visibleCap` plus a few: O(1) in the queue's length. A missing queue
   * is a `QueueMissingError`, never created.
   */
  async metricsEstimate(queue: string, options: MetricsEstimateOptions = {}): Promise<QueueMetricsEstimate> {
    const cap = options.visibleCap ?? VISIBLE_CAP_DEFAULT;
    atMost(positiveInteger(cap, "visibleCap"), VISIBLE_CAP_MAX, "visibleCap");
    const { rows } = await this.runExisting<QueueMetricsEstimateRow>(queue, "metricsEstimate", (handle) => [
      handle.statement("metrics_estimate", () => queueMetricsEstimateStatement(queue)),
      [cap, `pgmq.q_${queue}`],
    ]);
    const row = rows[0]!;
    const visibleCount = Math.min(row.visible_count, cap);
    const counted = row.counted ? Number(row.live_tuples) : Math.max(row.reltuples, 0);
    return {
      queueLengthEstimate: row.oldest_msg_age_sec === null ? 0 : Math.max(Math.round(counted), visibleCount, 1),
      visibleCount,
      visibleCountCapped: row.visible_count > cap,
      oldestMsgAgeSec: row.oldest_msg_age_sec,
      oldestVisibleWaitSec: row.oldest_visible_wait_sec,
      totalMessages: row.total_messages,
    };
  }

  /**
   * Retention: deletes the queue's archived rows older than
   * `olderThanSeconds`, oldest first, in batches of `batchSize`, each its
   * own autocommit statement (timed like every statement of the runtime)
   * until one deletes fewer; the cutoff is fixed by the first batch. Each
   * batch costs what it deletes (sql/deleteArchived.ts). Each batch takes
   * the queue's pruning lock, as `pruneArchive` does: when another session
   * (a worker's pruner, `pgmq-gen prune`) holds it, the run stops there and
   * leaves the rest to that pruner. Resolves to the rows deleted. A missing
   * queue is a `QueueMissingError`, never created. `pruneArchive` does the
   * same and says whether the lock was busy.
   */
  async deleteArchived(queue: string, options: DeleteArchivedOptions): Promise<number> {
    const olderThan = options?.olderThanSeconds;
    atMost(seconds(olderThan, "olderThanSeconds"), MAX_DATABASE_SECONDS, "olderThanSeconds");
    const batchSize = options.batchSize ?? RETENTION_BATCH_DEFAULT;
    atMost(positiveInteger(batchSize, "batchSize"), RETENTION_BATCH_MAX, "batchSize");
    let deleted = 0;
    let cutoff: string | null = null;
    for (;;) {
      const { rows } = await this.runExisting<DeleteArchivedRow>(queue, "deleteArchived", (handle) => {
        if (!handle.columns.archive) throw new QueueMissingError(queue);
        return [
          handle.statement("delete_archived", () => deleteArchivedStatement(queue)),
          [olderThan, batchSize, cutoff],
        ];
      });
      deleted += rows[0]!.deleted;
      cutoff = rows[0]!.cutoff;
      if (!rows[0]!.held || rows[0]!.deleted < batchSize) return deleted;
    }
  }

  /** Deletes every message of the queue (the archive is kept); resolves to how many. */
  async purge(queue: string): Promise<number> {
    const result = await this.run(queue, undefined, (handle) => [
      handle.statement("purge", () => purgeQueueStatement(queue)),
      [],
    ]);
    return result.rowCount ?? 0;
  }

  /** Drops the queue, its archive and its `pgmq.meta` row. A missing queue is no error. */
  async drop(queue: string): Promise<void> {
    await dropQueue(this.pool, queue);
    this.forget(queue);
  }

  /**
   * The queue's handle, loaded (and the queue ensured) on first use. A
   * caller with its own client loads on it: sharing a load in flight on the
   * pool could make it wait for a connection it holds itself. A client of
   * another database than the pool's loads every time, never cached: the
   * pool's handles describe the pool's tables.
   */
  private handle(queue: string, client: pg.ClientBase | undefined): Promise<QueueHandle> | QueueHandle {
    if (client !== undefined && !sharesPoolDatabase(this.pool, client)) return this.load(queue, client, false);
    const handle = this.handles.get(queue);
    if (handle !== undefined) return handle;
    if (client !== undefined) return this.load(queue, client);
    let loading = this.loading.get(queue);
    if (loading === undefined) {
      loading = this.load(queue, client);
      this.loading.set(queue, loading);
      const clear = () => this.loading.delete(queue);
      loading.then(clear, clear);
    }
    return loading;
  }

  private async load(queue: string, client: pg.ClientBase | undefined, cache = true): Promise<QueueHandle> {
    validateQueueName(queue);
    await this.ensureQueue(queue, client, { tablesOnly: true });
    let columns = await readQueueColumns(client ?? this.pool, queue);
    if (columns === null && client !== undefined) {
      // A REPEATABLE READ or SERIALIZABLE caller's snapshot may predate the queue's creation: look outside it.
      columns = await withDedicatedConnection(
        this.pool,
        `reading the columns of queue "${queue}"`,
        (own) => readQueueColumns(own, queue),
        client,
      );
    }
    if (columns === null) {
      // Dropped between the check and now.
      forgetQueue(this.pool, queue);
      throw new QueueMissingError(queue);
    }
    const handle = new QueueHandle(queue, columns);
    if (cache) this.handles.set(queue, handle);
    return handle;
  }

  private forget(queue: string): void {
    this.handles.delete(queue);
    forgetQueue(this.pool, queue);
  }

  /**
   * Runs the statement `build` picks for the queue's handle. When the table
   * turns out missing (dropped by someone else), the cached state is dropped;
   * without a caller client the call is retried once (re-creating the queue
   * when autoCreate is on). With one, the caller's transaction is aborted
   * and the error is theirs to handle.
   */
  private async run<TRow extends pg.QueryResultRow>(
    queue: string,
    client: pg.ClientBase | undefined,
    build: (handle: QueueHandle) => [Statement, unknown[]],
  ): Promise<pg.QueryResult<TRow>> {
    const db: Queryable = client ?? this.pool;
    const [statement, values] = build(await this.handle(queue, client));
    try {
      return await runStatement<TRow>(db, statement, values);
    } catch (error) {
      if (!isUndefinedTable(error)) throw error;
      this.forget(queue);
      if (client !== undefined) throw error;
      const [retried, retriedValues] = build(await this.handle(queue, undefined));
      return runStatement<TRow>(db, retried, retriedValues);
    }
  }

  /**
   * `run` on the pool for operations on what exists (retention, metrics
   * estimates): a missing queue is a `QueueMissingError`, never created, so
   * a misspelt name in a scheduled job makes no queue. Without a cached
   * handle the columns are looked up on each call (one catalog query).
   */
  private async runExisting<TRow extends pg.QueryResultRow>(
    queue: string,
    operation: string,
    build: (handle: QueueHandle) => [Statement, unknown[]],
  ): Promise<pg.QueryResult<TRow>> {
    const missing = () => new QueueMissingError(queue, { reason: `${operation} does not create queues` });
    let handle = this.handles.get(queue);
    if (handle === undefined) {
      const columns = await readQueueColumns(this.pool, queue);
      if (columns === null) throw missing();
      handle = new QueueHandle(queue, columns);
    }
    const [statement, values] = build(handle);
    try {
      return await runStatement<TRow>(this.pool, statement, values);
    } catch (error) {
      if (!isUndefinedTable(error)) throw error;
      this.forget(queue);
      throw missing();
    }
  }
}

interface DeliveryRow {
  msg_id: bigint;
  read_ct: number;
}

function toDelivery(row: DeliveryRow): Delivery {
  return { msgId: row.msg_id, readCt: row.read_ct };
}

/** $1 ids and $2 read_cts of fenced statements. */
function deliveriesParameters(deliveries: readonly Delivery[]): [string, number[]] {
  const readCts = deliveries.map((delivery) => {
    if (!Number.isInteger(delivery.readCt)) throw new RangeError(`readCt: expected an integer, got ${delivery.readCt}`);
    return delivery.readCt;
  });
  return [idsParameter(deliveries.map((delivery) => delivery.msgId)), readCts];
}

function noHeadersColumn(queue: string): Error {
  return new Error(
    `queue "${queue}": pgmq.q_${queue} has no headers column (made by PGMQ before 1.5); ` +
      "upgrade PGMQ or send without headers",
  );
}

const sharedClients = new WeakMap<pg.Pool, PgmqClient>();

/** The client producers share for `pool` (one per pool, so its statements and caches are shared too). */
export function pgmqClientFor(pool: pg.Pool): PgmqClient {
  let client = sharedClients.get(pool);
  if (client === undefined) {
    client = new PgmqClient(pool);
    sharedClients.set(pool, client);
  }
  return client;
}

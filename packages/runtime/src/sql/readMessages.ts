/**
 * PGMQ's `read`: take up to `quantity` visible messages, skipping rows other
 * readers hold, and hide them for the visibility timeout. The worker reads
 * with a byte budget too (`readMessagesWithinStatement`).
 *
 * Both reads take messages in the order they became visible (`vt`), not in
 * id order as PGMQ's own `read` does. The reason is cost: `vt <=
 * clock_timestamp()` is volatile, so under `ORDER BY msg_id` it can only
 * filter a walk of the primary key, and every read stepped over every
 * message not yet visible (a queue holding 1M delayed messages read at
 * ~100 jobs/s). `vt <= (SELECT clock_timestamp())` is computed once per
 * statement (an InitPlan), so it bounds a scan of PGMQ's own `vt` index:
 * visible messages are that index's front, and the scan stops at the first
 * one not yet visible. A read costs what it returns, whatever waits behind
 * it (docs/performance.md, "Deep queues").
 *
 * The order promised: messages are read in the order they became visible
 * (sent, or the end of a delay, a backoff or an expired visibility
 * timeout), so undelayed messages come in send order and a retried message
 * queues behind those already waiting; among messages that became visible
 * at the same instant (a batch sent with one `Date`) the order is
 * unspecified. It is best-effort across concurrent readers, which skip each
 * other's locked rows. `ORDER BY vt` alone: adding `msg_id` as a tie-break
 * would make the planner sort every message sharing that `vt` (a 200k batch
 * sent with one `Date`: 135 ms per read) unless a second index were added to
 * PGMQ's layout.
 *
 * `m.msg_id = ANY (ARRAY(SELECT msg_id FROM ...))` repeats the join so that
 * the UPDATE finds its rows through the primary key in every plan: a
 * generic plan otherwise may hash-join a scan of the whole table.
 */
import type { QueueColumns } from "./queueColumns.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export interface MessageRow {
  msg_id: bigint;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  message: unknown;
  headers: unknown;
}

/** A row of the bounded read: payload as JSON text (null when left out), with its size. */
export interface BoundedMessageRow {
  msg_id: bigint;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  /** `message::text`, or null when the payload was left out (or the message is SQL NULL). */
  message: string | null;
  headers: string | null;
  /** Bytes of `message::text` plus `headers::text`; 0 when not measured (past the read_ct limit). */
  payload_bytes: number;
  payload_deferred: boolean;
  /** Visible messages this read locked, taken or not: more than the rows returned means the byte budget cut it. */
  candidates: number;
}

/**
 * Parameters: $1 quantity (int), $2 visibility timeout (float8 seconds).
 * Returns the rows taken in the order they became visible (then `msg_id`),
 * with `read_ct` already counting this delivery (1 on the first).
 */
export function readMessagesStatement(queue: string, columns: QueueColumns): Statement {
  const table = queueTable(queue);
  const lastReadAt = columns.lastReadAt ? ", last_read_at = clock_timestamp()" : "";
  const headers = columns.headers ? "m.headers" : "NULL::jsonb AS headers";
  const text = `WITH visible AS (
      SELECT msg_id, vt FROM ${table}
       WHERE vt <= (SELECT clock_timestamp())
       ORDER BY vt
       LIMIT $1::int
       FOR UPDATE SKIP LOCKED
    ), taken AS (
      UPDATE ${table} AS m
         SET vt = clock_timestamp() + make_interval(secs => $2::float8),
             read_ct = m.read_ct + 1${lastReadAt}
        FROM visible
       WHERE m.msg_id = visible.msg_id
         AND m.msg_id = ANY (ARRAY(SELECT msg_id FROM visible))
      RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, m.message, ${headers}, visible.vt AS visible_at
    )
    SELECT msg_id, read_ct, enqueued_at, vt, message, headers FROM taken ORDER BY visible_at, msg_id`;
  return statement("read", text);
}

/** Candidates are measured while the stored sizes before them total under 1/STORED_SHARE of the budget (see below). */
const STORED_SHARE = 16;

/** Candidates stored smaller than this are measured as they are scanned, without a lookup (see below). Bytes. */
const MEASURED_IN_SCAN_BYTES = 1024;

/**
 * PGMQ's read bounded by bytes as well as count, for the worker.
 *
 * Parameters: $1 quantity (int), $2 visibility timeout (float8 seconds),
 * $3 byte budget (bigint), $4 inline limit (bigint), $5 read_ct limit (int).
 *
 * A payload's size is that of its JSON text (`message::text` plus
 * `headers::text`), what crosses the wire: the stored size
 * (`pg_column_size`) is compressed, and 120 MB of a repeated character
 * stores as ~1.4 MB. Messages are taken in `read`'s order while the sizes of those
 * before them stay under the budget, so the first is always taken and a read
 * returns at most the budget plus one message.
 *
 * A payload is measured by converting it to text; for a payload returned
 * inline, that text is what is sent (one conversion, as in `read`). A
 * candidate stored under 1 KiB is converted as it is scanned, with no
 * extra lookup: the whole of a read of ordinary jobs. A bigger one is
 * converted by a primary-key lookup, and only while the stored sizes before
 * it total under a sixteenth of the budget (1 MiB of the default 16 MiB);
 * those past that share are not taken. A candidate converted but not taken
 * is work lost, and a compressed payload's text is up to ~90 (pglz) to
 * ~250 (lz4) times its stored size: measuring every candidate under the
 * whole budget converted the same big messages read after read, where this
 * bounds the loss to a few budgets per read.
 *
 * A payload bigger than the inline limit, or of a message whose read_ct
 * (this delivery included) passes the read_ct limit, is left out
 * (`payload_deferred`): the read commits, counting the delivery, before a
 * separate `readPayloadStatement` brings the payload. A message whose
 * payload crashes its worker in transit is thus counted on each attempt, and
 * once past maxAttempts it is killed without its payload being sent (it is
 * not measured either).
 *
 * A payload over the inline limit is only ever taken alone, as the read's
 * first message (the read stops before one that is not): if fetching it
 * crashes the worker, the delivery it uses up is its own, not also that of
 * messages read with it that never got to run.
 *
 * Unlike `read`, the UPDATE has no `msg_id = ANY` guard: its rows come from
 * a filtered CTE the planner estimates at one row, and with the guard it
 * probed the whole id list once per row (154 ms for 500 rows). Without it,
 * custom and generic plans alike look each row up by primary key
 * (test/runtime/pgmq.readPlan.test.ts).
 *
 * The running sums follow the order in which candidates are taken (`vt`,
 * then `msg_id` among equal `vt`, a total order over at most `quantity`
 * rows): a read ordered otherwise orders its windows the same way.
 *
 * The read statement is autocommit: rows locked as candidates and not taken
 * are free again when it returns.
 */
export function readMessagesWithinStatement(queue: string, columns: QueueColumns): Statement {
  const table = queueTable(queue);
  const lastReadAt = columns.lastReadAt ? ", last_read_at = clock_timestamp()" : "";
  const stored = columns.headers
    ? "coalesce(pg_column_size(message), 0) + coalesce(pg_column_size(headers), 0)"
    : "coalesce(pg_column_size(message), 0)";
  const headersText = columns.headers ? "headers::text" : "NULL::text";
  const inScan = `${stored} < ${MEASURED_IN_SCAN_BYTES} AND read_ct + 1 <= $5::int`;
  const text = `WITH candidates AS (
      SELECT msg_id, vt AS visible_at, read_ct + 1 > $5::int AS past_limit, ${stored} AS stored_bytes,
             NOT (${inScan}) AS measured_later,
             CASE WHEN ${inScan} THEN message::text END AS message_text,
             CASE WHEN ${inScan} THEN ${headersText} END AS headers_text
        FROM ${table}
       WHERE vt <= (SELECT clock_timestamp())
       ORDER BY vt
       LIMIT $1::int
       FOR UPDATE SKIP LOCKED
    ), reachable AS (
      SELECT *, coalesce(sum(stored_bytes) OVER (ORDER BY visible_at, msg_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS stored_before
        FROM candidates
    ), measured AS (
      SELECT r.msg_id, r.visible_at, r.past_limit,
             coalesce(r.message_text, t.message_text) AS message_text,
             coalesce(r.headers_text, t.headers_text) AS headers_text
        FROM reachable AS r
        -- A primary-key lookup, only for a row stored big (OFFSET 0 keeps it a lateral
        -- subquery: as a join, a small queue's plan may scan the whole table).
        LEFT JOIN LATERAL (
          SELECT q.message::text AS message_text, ${columns.headers ? "q.headers::text" : "NULL::text"} AS headers_text
            FROM ${table} AS q
           WHERE r.measured_later AND NOT r.past_limit AND q.msg_id = r.msg_id
          OFFSET 0
        ) AS t ON true
       WHERE r.stored_before * ${STORED_SHARE} < $3::bigint
    ), kept AS (
      SELECT msg_id, visible_at, bytes, past_limit OR bytes > $4::bigint AS deferred, bytes > $4::bigint AS oversized,
             CASE WHEN bytes <= $4::bigint THEN message_text END AS message_text,
             CASE WHEN bytes <= $4::bigint THEN headers_text END AS headers_text,
             row_number() OVER running = 1 AS first,
             coalesce(sum(bytes) OVER before, 0) AS bytes_before,
             count(*) FILTER (WHERE bytes > $4::bigint) OVER before AS oversized_before
        FROM measured,
             LATERAL (SELECT coalesce(octet_length(message_text), 0) + coalesce(octet_length(headers_text), 0) AS bytes) AS size
      WINDOW running AS (ORDER BY visible_at, msg_id),
             before AS (running ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
    ), taken AS (
      UPDATE ${table} AS m
         SET vt = clock_timestamp() + make_interval(secs => $2::float8),
             read_ct = m.read_ct + 1${lastReadAt}
        FROM kept
       WHERE m.msg_id = kept.msg_id AND kept.bytes_before < $3::bigint
         AND kept.oversized_before = 0 AND (kept.first OR NOT kept.oversized)
      RETURNING m.msg_id, m.read_ct, m.enqueued_at, m.vt, kept.visible_at,
                CASE WHEN kept.deferred THEN NULL ELSE kept.message_text END AS message,
                CASE WHEN kept.deferred THEN NULL ELSE kept.headers_text END AS headers,
                kept.bytes AS payload_bytes, kept.deferred AS payload_deferred
    )
    SELECT msg_id, read_ct, enqueued_at, vt, message, headers, payload_bytes::float8 AS payload_bytes, payload_deferred,
           (SELECT count(*) FROM candidates)::int AS candidates
      FROM taken ORDER BY visible_at, msg_id`;
  return statement("read_within", text);
}

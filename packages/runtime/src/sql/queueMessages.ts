/**
 * A page of one queue's messages in one state, for the dashboard: plain
 * selects (looking changes nothing, not even `read_ct`), paged by the
 * primary key so a page costs what it returns, not the queue's length.
 */
import type { QueueColumns } from "./queueColumns.js";
import { boundedPayloadColumns } from "./boundedPayload.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

export type QueuedMessageStateName = "visible" | "in_flight" | "delayed";

/** Which way a page runs from its cursor. */
export type PageDirection = "forward" | "backward";

/**
 * Each state as a condition on a row `m`, over "now" read once per
 * statement: as queueStatus.ts counts them, visible once `vt` passed
 * (`vt <= now`), else in flight when read at least once (`read_ct > 0`),
 * else delayed; so every message is in exactly one state and a page's
 * states add up to the status figures.
 */
const STATE_CONDITIONS: Record<QueuedMessageStateName, string> = {
  visible: "m.vt <= (SELECT now FROM clock)",
  in_flight: "m.vt > (SELECT now FROM clock) AND m.read_ct > 0",
  delayed: "m.vt > (SELECT now FROM clock) AND NOT (m.read_ct > 0)",
};

export interface QueuedMessageRow {
  /** Null on the one row of an empty page (it carries `has_other` alone). */
  msg_id: bigint | null;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  last_read_at: Date | null;
  message: unknown;
  /** The payload's stored size in bytes (boundedPayload.ts). */
  payload_bytes: number;
  headers: Record<string, unknown> | null;
  /** A message of the state exists on the other side of the cursor (`msg_id <= $1` forward, `>= $1` backward). */
  has_other: boolean;
}

/**
 * Parameters: $1 the cursor (bigint; '0' for the first page forward), $2
 * the most rows (int: the page's limit plus one, which tells whether there
 * is more beyond it), $3 the largest payload returned (int4 bytes, stored
 * size; NULL: any; a larger one is NULL, its size in `payload_bytes`). Forward, the lowest ids above the cursor; backward,
 * the highest below it; either way ascending, each row with `has_other`,
 * and one row of NULLs but `has_other` when none is found.
 *
 * "Now" is one `clock_timestamp()`, as a read sees it, read through a
 * sub-select so it is the same for the page and `has_other`. Both walk
 * the primary key from the cursor and stop at their limit (`has_other` at
 * the first match): `ORDER BY msg_id ... LIMIT`, never a count.
 */
export function queueMessagesStatement(
  queue: string,
  columns: QueueColumns,
  state: QueuedMessageStateName,
  direction: PageDirection,
): Statement {
  const table = queueTable(queue);
  const inState = STATE_CONDITIONS[state];
  const lastReadAt = columns.lastReadAt ? "m.last_read_at" : "NULL::timestamptz AS last_read_at";
  const headers = columns.headers ? "m.headers" : "NULL::jsonb AS headers";
  const [pageBound, pageOrder, otherBound, otherOrder] =
    direction === "forward" ? [">", "ASC", "<=", "DESC"] : ["<", "DESC", ">=", "ASC"];
  return statement(
    `queue_messages_${state}_${direction}`,
    `WITH clock AS (SELECT clock_timestamp() AS now),
     page AS (
       SELECT m.msg_id, m.read_ct, m.enqueued_at, m.vt, ${lastReadAt}, ${boundedPayloadColumns("m", "$3")}, ${headers}
         FROM ${table} AS m
        WHERE m.msg_id ${pageBound} $1::bigint AND ${inState}
        ORDER BY m.msg_id ${pageOrder}
        LIMIT $2::int
     ),
     other AS (
       SELECT (SELECT m.msg_id FROM ${table} AS m
                WHERE m.msg_id ${otherBound} $1::bigint AND ${inState}
                ORDER BY m.msg_id ${otherOrder}
                LIMIT 1) IS NOT NULL AS has_other
     )
     SELECT page.*, other.has_other
       FROM other LEFT JOIN page ON true
      ORDER BY page.msg_id`,
  );
}

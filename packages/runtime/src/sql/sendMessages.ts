/**
 * Inserting messages, PGMQ's `send` and `send_batch`: `vt` is when the
 * message becomes visible (now, now + delay seconds, or a given moment).
 */
import type { QueueColumns } from "./queueColumns.js";
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/**
 * How `vt` is given: `now` (visible at once, no parameter), `seconds`
 * (a float8 delay from `clock_timestamp()`, as PGMQ computes it) or `at`
 * (an absolute timestamptz).
 */
export type DelayForm = "now" | "seconds" | "at";

export function delayForm(delay: number | Date | undefined): DelayForm {
  if (delay === undefined || delay === 0) return "now";
  return delay instanceof Date ? "at" : "seconds";
}

const DAY_MS = 86_400_000;

/**
 * PostgreSQL's timestamptz runs from 4714-11-24 00:00 UTC BC to the end of
 * 294276 AD. A day is kept off each end, so a client clock ahead of the
 * server's, or `pg` writing an ancient Date in a local zone whose offset has
 * seconds, cannot step outside. (A JS Date never reaches the upper end.)
 */
const FIRST_DELAY_MS = Date.UTC(-4713, 10, 24) + DAY_MS;
/** 294277-01-01 00:00 UTC in seconds since 1970 (beyond a JS Date), less a day. */
const LAST_DELAY_EPOCH_SECONDS = 9_224_318_016_000 - DAY_MS / 1000;

/** The delay parameter for `form` ("now" takes none); a RangeError for one PostgreSQL cannot store. */
export function delayValue(delay: number | Date | undefined): number | Date | undefined {
  if (delay === undefined || delay === 0) return undefined;
  if (delay instanceof Date) {
    const time = delay.getTime();
    if (Number.isNaN(time)) throw new RangeError("delay: invalid Date");
    if (time < FIRST_DELAY_MS) {
      throw new RangeError(
        `delay: ${delay.toISOString()} is before ${new Date(FIRST_DELAY_MS).toISOString()}, ` +
          "where PostgreSQL's timestamptz range begins (4714-11-24 BC, with a day's margin)",
      );
    }
    return delay;
  }
  if (typeof delay !== "number" || !Number.isFinite(delay) || delay < 0) {
    throw new RangeError(`delay: expected a finite number of seconds >= 0 or a Date, got ${String(delay)}`);
  }
  if (Date.now() / 1000 + delay > LAST_DELAY_EPOCH_SECONDS) {
    throw new RangeError(
      `delay: ${delay} seconds from now is past the end of PostgreSQL's timestamptz range (294276 AD)`,
    );
  }
  return delay;
}

function vtExpression(form: DelayForm, parameter: string): string {
  switch (form) {
    case "now":
      return "clock_timestamp()";
    case "seconds":
      return `clock_timestamp() + make_interval(secs => ${parameter}::float8)`;
    case "at":
      return `${parameter}::timestamptz`;
  }
}

/**
 * One message. Parameters: $1 message (JSON text), then $2 headers (JSON
 * text or null) when the table has `headers`, then the delay unless `now`.
 * Returns `msg_id`.
 */
export function sendMessageStatement(queue: string, columns: QueueColumns, form: DelayForm): Statement {
  const delayParameter = columns.headers ? "$3" : "$2";
  const text = columns.headers
    ? `INSERT INTO ${queueTable(queue)} (vt, message, headers)
       VALUES (${vtExpression(form, delayParameter)}, $1::jsonb, $2::jsonb)
       RETURNING msg_id`
    : `INSERT INTO ${queueTable(queue)} (vt, message)
       VALUES (${vtExpression(form, delayParameter)}, $1::jsonb)
       RETURNING msg_id`;
  return statement("send", text);
}

/**
 * Many messages in one statement, ids assigned in array order. Parameters:
 * $1 messages (jsonb[] of JSON texts), then $2 headers shared by all (JSON
 * text or null) when the table has `headers`, then the delay unless `now`.
 * Returns `msg_id` per message, in array order.
 */
export function sendMessagesStatement(queue: string, columns: QueueColumns, form: DelayForm): Statement {
  const delayParameter = columns.headers ? "$3" : "$2";
  const text = columns.headers
    ? `INSERT INTO ${queueTable(queue)} (vt, message, headers)
       SELECT ${vtExpression(form, delayParameter)}, batch.message, $2::jsonb
         FROM unnest($1::jsonb[]) WITH ORDINALITY AS batch(message, position)
        ORDER BY batch.position
       RETURNING msg_id`
    : `INSERT INTO ${queueTable(queue)} (vt, message)
       SELECT ${vtExpression(form, delayParameter)}, batch.message
         FROM unnest($1::jsonb[]) WITH ORDINALITY AS batch(message, position)
        ORDER BY batch.position
       RETURNING msg_id`;
  return statement("send_batch", text);
}

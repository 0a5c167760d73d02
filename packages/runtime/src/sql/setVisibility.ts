/**
 * PGMQ's `set_vt` for many messages at once, each with its own delay: how
 * failed jobs come back after their backoff and prefetched ones are released.
 * `read_ct` is left alone, except by a release that gives its attempt back.
 *
 * `m.msg_id = ANY ($1)` repeats the join's key so that the rows are found
 * through the primary key in every plan: joined to `unnest` alone, a plan
 * may hash-join a scan of the whole queue when the ids are a large share
 * of a small table, and a generic plan may on any table.
 */
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/**
 * Parameters: $1 message ids (text[] cast to bigint[]), $2 delays in seconds
 * (float8[], same order; 0 = visible now). Returns `msg_id` of each message updated.
 */
export function setVisibilityStatement(queue: string): Statement {
  return statement(
    "set_vt",
    `UPDATE ${queueTable(queue)} AS m
        SET vt = clock_timestamp() + make_interval(secs => entry.delay)
       FROM unnest($1::bigint[], $2::float8[]) AS entry(msg_id, delay)
      WHERE m.msg_id = entry.msg_id AND m.msg_id = ANY ($1::bigint[])
     RETURNING m.msg_id`,
  );
}

/**
 * The worker's set_vt (retry, heartbeat, release), fenced by the delivery:
 * a message is changed only while its `read_ct` is still that delivery's, so
 * a stale holder never moves a message another worker now holds.
 * Parameters: $1 message ids (text[] cast to bigint[]), $2 delays in seconds
 * (float8[]), $3 the deliveries' `read_ct` (int[]), $4 attempts given back
 * (int[], 0 or 1: a release after a lost connection, which was not the
 * handler's failure, lowers `read_ct` by one so the attempt does not count).
 * Returns `msg_id` and the delivery's `read_ct` of each message updated.
 */
export function setDeliveryVisibilityStatement(queue: string): Statement {
  return statement(
    "set_vt_deliveries",
    `UPDATE ${queueTable(queue)} AS m
        SET vt = clock_timestamp() + make_interval(secs => entry.delay),
            read_ct = greatest(m.read_ct - entry.given_back, 0)
       FROM unnest($1::bigint[], $2::float8[], $3::int[], $4::int[]) AS entry(msg_id, delay, read_ct, given_back)
      WHERE m.msg_id = entry.msg_id AND m.read_ct = entry.read_ct AND m.msg_id = ANY ($1::bigint[])
     RETURNING m.msg_id, entry.read_ct`,
  );
}

/**
 * PGMQ's `set_vt` for many messages at once, each with its own delay: how
 * failed jobs come back after their backoff and prefetched ones are released.
 * `read_ct` is left alone.
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
      WHERE m.msg_id = entry.msg_id
     RETURNING m.msg_id`,
  );
}

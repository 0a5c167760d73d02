/**
 * The baseline's four statements: what a careful hand-written client on
 * PGMQ's layout sends. Named, so node-postgres prepares each once per connection.
 */
import type { QueryConfig } from "pg";
import { archiveTable, queueTable } from "./pgmqLayout.js";

export function sendOne(message: string): QueryConfig {
  return {
    name: "bench_send",
    text: `INSERT INTO ${queueTable} (vt, message) VALUES (clock_timestamp(), $1::jsonb) RETURNING msg_id`,
    values: [message],
  };
}

/** One multi-row INSERT for the whole batch. */
export function sendMany(messages: readonly string[]): QueryConfig {
  return {
    name: "bench_send_batch",
    text: `INSERT INTO ${queueTable} (vt, message)
           SELECT clock_timestamp(), m FROM unnest($1::jsonb[]) AS m RETURNING msg_id`,
    values: [messages],
  };
}

/** PGMQ's read: oldest visible rows, skip the locked, hide them for `vtSeconds`. */
export function readMessages(quantity: number, vtSeconds: number): QueryConfig {
  return {
    name: "bench_read",
    text: `WITH picked AS (
             SELECT msg_id FROM ${queueTable}
             WHERE vt <= clock_timestamp()
             ORDER BY msg_id LIMIT $1
             FOR UPDATE SKIP LOCKED)
           UPDATE ${queueTable} q
           SET vt = clock_timestamp() + make_interval(secs => $2), read_ct = q.read_ct + 1,
               last_read_at = clock_timestamp()
           FROM picked WHERE q.msg_id = picked.msg_id
           RETURNING q.msg_id, q.read_ct, q.message`,
    values: [quantity, vtSeconds],
  };
}

/** Archive many in one statement: delete returning, insert into the archive. */
export function archiveMessages(msgIds: readonly string[]): QueryConfig {
  return {
    name: "bench_archive",
    text: `WITH done AS (
             DELETE FROM ${queueTable} WHERE msg_id = ANY($1::bigint[])
             RETURNING msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers)
           INSERT INTO ${archiveTable} (msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers)
           SELECT msg_id, read_ct, enqueued_at, last_read_at, vt, message, headers FROM done`,
    values: [msgIds],
  };
}

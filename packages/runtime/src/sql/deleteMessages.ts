/** PGMQ's `delete`: remove messages for good. */
import { queueTable } from "./queueNames.js";
import { type Statement, statement } from "./statement.js";

/** Parameters: $1 message ids (text[] cast to bigint[]). Returns `msg_id` of each message deleted. */
export function deleteMessagesStatement(queue: string): Statement {
  return statement("delete", `DELETE FROM ${queueTable(queue)} WHERE msg_id = ANY($1::bigint[]) RETURNING msg_id`);
}

/**
 * The worker's delete of a killed job, fenced by the delivery: it deletes a
 * message only while its `read_ct` is still that delivery's (a later read by
 * another worker bumps it), so a stale holder never kills a job another
 * worker runs. Parameters: $1 message ids (text[] cast to bigint[]), $2 their deliveries'
 * `read_ct` (int[]). Returns `msg_id, read_ct` of each message deleted.
 * `m.msg_id = ANY ($1)` keeps the primary key the access path in every plan
 * (see setVisibility.ts).
 */
export function deleteDeliveriesStatement(queue: string): Statement {
  return statement(
    "delete_deliveries",
    `DELETE FROM ${queueTable(queue)} AS m
      USING unnest($1::bigint[], $2::int[]) AS delivery(msg_id, read_ct)
      WHERE m.msg_id = delivery.msg_id AND m.read_ct = delivery.read_ct AND m.msg_id = ANY ($1::bigint[])
     RETURNING m.msg_id, m.read_ct`,
  );
}

/**
 * Dead letters made the way a worker makes them: a message sent with
 * headers, read (each read is a delivery), then moved by the worker's own
 * kill statement (`PgmqClient.deadLetter`, the `x-pgmq-gen-dead-letter`
 * record included). Shared by the `dlq` and `job` tests.
 */
import type pg from "pg";
import type { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import type { JsonValue } from "../../packages/runtime/src/types.js";

export interface SeededDeadLetter {
  /** Its id in the dead-letter queue. */
  readonly id: bigint;
  /** Its id in its queue when it was killed. */
  readonly sourceId: bigint;
  readonly payload: { [key: string]: JsonValue };
}

/**
 * Sends `payload` to `queue` with headers `{ trace, x-pgmq-gen-version: 1 }`,
 * reads it `attempts` times and dead-letters it into `deadLetterQueue`
 * with `reason`; then backdates it `ageSeconds` (its `enqueued_at` in the
 * dead-letter queue).
 */
export async function deadLetterOne(
  pgmq: PgmqClient,
  pool: pg.Pool,
  queue: string,
  deadLetterQueue: string,
  options: { payload: { [key: string]: JsonValue }; reason: string; attempts?: number; ageSeconds?: number },
): Promise<SeededDeadLetter> {
  const attempts = options.attempts ?? 3;
  const sourceId = await pgmq.send(queue, options.payload, {
    headers: { trace: `trace-${String(options.payload.n ?? "")}`, "x-pgmq-gen-version": 1 },
  });
  for (let read = 0; read < attempts; read++) {
    await pool.query(`UPDATE pgmq.q_${queue} SET read_ct = read_ct + 1 WHERE msg_id = $1`, [sourceId]);
  }
  await pgmq.deadLetter(queue, deadLetterQueue, [
    { msgId: sourceId, reason: options.reason, attempts, readCt: attempts },
  ]);
  const { rows } = await pool.query<{ msg_id: string }>(
    `SELECT msg_id::text FROM pgmq.q_${deadLetterQueue}
      WHERE headers -> 'x-pgmq-gen-dead-letter' ->> 'sourceMsgId' = $1 AND headers -> 'x-pgmq-gen-dead-letter' ->> 'sourceQueue' = $2
      ORDER BY msg_id DESC LIMIT 1`,
    [sourceId.toString(), queue],
  );
  const id = BigInt(rows[0]!.msg_id);
  if (options.ageSeconds !== undefined) {
    await pool.query(
      `UPDATE pgmq.q_${deadLetterQueue} SET enqueued_at = now() - make_interval(secs => $2) WHERE msg_id = $1`,
      [id.toString(), options.ageSeconds],
    );
  }
  return { id, sourceId, payload: options.payload };
}

/** Every row of `pgmq.q_<queue>`, by id, with ids as bigints. */
export async function rowsOf(
  pool: pg.Pool,
  queue: string,
): Promise<
  {
    msgId: bigint;
    readCt: number;
    visible: boolean;
    message: Record<string, unknown>;
    headers: Record<string, unknown> | null;
  }[]
> {
  const { rows } = await pool.query(
    // By the bigint, not the text the ids are returned as.
    `SELECT q.msg_id::text AS msg_id, read_ct, vt <= clock_timestamp() AS visible, message, headers
       FROM pgmq.q_${queue} AS q ORDER BY q.msg_id`,
  );
  return rows.map((row) => ({
    msgId: BigInt(row.msg_id),
    readCt: row.read_ct,
    visible: row.visible,
    message: row.message,
    headers: row.headers,
  }));
}

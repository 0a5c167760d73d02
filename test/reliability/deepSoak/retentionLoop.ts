/**
 * Archive retention as an operator would run it: every minute, delete the
 * archived rows older than the window in batches (`PgmqClient.deleteArchived`).
 */
import type { PgmqClient } from "pgmq-gen/runtime";

// TEMPORARY until i11/ops (PgmqClient.deleteArchived) is merged.
async function deleteArchived(client: PgmqClient, queue: string, options: { keepSeconds: number; batchSize: number }): Promise<number> {
  const own = (client as unknown as { deleteArchived?: (q: string, o: object) => Promise<number> }).deleteArchived;
  if (own !== undefined) return own.call(client, queue, { olderThanSeconds: options.keepSeconds, batchSize: options.batchSize });
  let total = 0;
  for (;;) {
    const { rowCount } = await client.pool.query(
      `DELETE FROM pgmq."a_${queue}" WHERE msg_id = ANY (ARRAY(SELECT msg_id FROM pgmq."a_${queue}" WHERE archived_at < now() - make_interval(secs => $1) ORDER BY archived_at LIMIT $2))`,
      [options.keepSeconds, options.batchSize],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < options.batchSize) return total;
  }
}

export interface RetentionLoop {
  /** Archived rows deleted since the last call. */
  takeDeleted(): number;
  stop(): Promise<void>;
}

export function startRetentionLoop(
  client: PgmqClient,
  queue: string,
  options: { keepSeconds: number; everyMs: number; batchSize: number; onError: (error: unknown) => void },
): RetentionLoop {
  let deleted = 0;
  let stopping = false;
  let wake: () => void = () => {};
  const loop = (async () => {
    while (!stopping) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, options.everyMs);
      });
      if (stopping) break;
      try {
        deleted += await deleteArchived(client, queue, options);
      } catch (error) {
        options.onError(error);
      }
    }
  })();
  return {
    takeDeleted() {
      const value = deleted;
      deleted = 0;
      return value;
    },
    async stop() {
      stopping = true;
      wake();
      await loop;
    },
  };
}

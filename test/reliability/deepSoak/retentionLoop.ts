/**
 * Archive retention as an operator would run it: every minute, delete the
 * archived rows older than the window in batches (`PgmqClient.deleteArchived`).
 */
import type { PgmqClient } from "@pgmq-gen/runtime";

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
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    while (!stopping) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, options.everyMs);
      });
      if (stopping) break;
      try {
        deleted += await client.deleteArchived(queue, {
          olderThanSeconds: options.keepSeconds,
          batchSize: options.batchSize,
        });
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
      clearTimeout(timer);
      wake();
      await loop;
    },
  };
}

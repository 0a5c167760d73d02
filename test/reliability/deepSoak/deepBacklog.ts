/**
 * The deep backlog: reminders scheduled a day ahead, pushed through the
 * producer in large batches before the soak starts. Their ids start at
 * BACKLOG_FIRST_ID, far above the soak's own jobs, so a backlog message that
 * ran (none should) is told apart.
 */
import type { Producer } from "@pgmq-gen/runtime";
import type { ReliabilityJob } from "../harness/reliabilityQueue.js";

export const BACKLOG_FIRST_ID = 1_000_000_000;
const BATCH = 10_000;
const DAY_SECONDS = 86_400;

export async function pushDeepBacklog(producer: Producer<ReliabilityJob>, messages: number): Promise<void> {
  for (let first = 0; first < messages; first += BATCH) {
    const count = Math.min(BATCH, messages - first);
    const jobs = Array.from({ length: count }, (_, i) => ({ id: BACKLOG_FIRST_ID + first + i, sleepMs: 0 }));
    await producer.pushBatch(jobs, { delay: DAY_SECONDS });
  }
}

/**
 * The setup every reliability scenario shares: the recording tables, the
 * synthetic queue, and a first load of jobs pushed through the runtime's
 * producer.
 */
import type pg from "pg";
import { configure, createProducer, ensureQueues } from "@pgmq-gen/runtime";
import { createJobRunsTables } from "./jobRuns.js";
import { reliabilityQueueDefinition, type ReliabilityJob, type ReliabilityQueueSettings } from "./reliabilityQueue.js";

/** Creates the recording tables and the queue, and points the runtime's shared pool (used by producers) at `pool`. */
export async function prepareScenario(pool: pg.Pool, settings: ReliabilityQueueSettings): Promise<void> {
  configure({ pool });
  await createJobRunsTables(pool);
  await ensureQueues(pool, [settings.queue]);
}

/** Pushes jobs firstJobId .. firstJobId + jobs - 1 with `pushBatch`, `chunk` at a time. */
export async function pushJobs(
  pool: pg.Pool,
  settings: ReliabilityQueueSettings,
  range: { firstJobId: number; jobs: number },
  sleepMs: (jobId: number) => number,
  chunk = 1_000,
): Promise<void> {
  configure({ pool });
  const producer = createProducer(reliabilityQueueDefinition(settings));
  for (let start = range.firstJobId; start < range.firstJobId + range.jobs; start += chunk) {
    const jobs: ReliabilityJob[] = [];
    for (let id = start; id < Math.min(start + chunk, range.firstJobId + range.jobs); id++) {
      jobs.push({ id, sleepMs: sleepMs(id) });
    }
    await producer.pushBatch(jobs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

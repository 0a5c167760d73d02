/**
 * The drain at depth: the scenario's `jobs` visible jobs (seq 0..jobs-1),
 * worked off with a no-op handler, clock from worker start to the last of
 * them. A system still short of them at `capMs` is stopped there and its
 * rate is what it finished by then, marked capped. Every job must run
 * exactly once (at most once when capped); no delayed message may run.
 */
import { DeliveryLedger } from "../ledger.js";
import type { SystemSession } from "../system.js";
import type { QueueData } from "./queueData.js";

/** After the last expected job, wait this long for late duplicates before checking. */
const settleMs = 300;

export interface DrainFigure {
  "jobs/s": number;
  capped: boolean;
}

export async function cappedDrain(
  session: SystemSession,
  data: QueueData,
  params: { jobs: number; concurrency: number; capMs: number },
): Promise<DrainFigure> {
  const { jobs, concurrency, capMs } = params;
  const ledger = new DeliveryLedger(jobs);
  // Backlog rows a drain reaches past its own jobs (a visible backlog's): each at most once.
  const others = new Set<number>();
  let problem: Error | null = null;
  const started = performance.now();
  const worker = await session.startWorker({
    concurrency,
    handle: (job) => {
      if (job.seq < jobs) return ledger.record(job.seq);
      try {
        data.assertRestorable(job.seq);
        if (others.has(job.seq)) throw new Error(`backlog job seq ${job.seq} ran twice`);
        others.add(job.seq);
      } catch (error) {
        problem ??= new Error(`${(error as Error).message} (after ${ledger.deliveredCount} of the drain's jobs)`);
      }
    },
  });
  let capped = false;
  let finished: number;
  let seconds: number;
  try {
    try {
      await ledger.waitFor(jobs, capMs);
    } catch {
      capped = true;
    }
    finished = ledger.deliveredCount;
    seconds = (performance.now() - started) / 1000;
    if (!capped) await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    await worker.stop();
  }
  if (problem) throw problem;
  if (capped) ledger.assertAtMostOnce();
  else ledger.assertExactlyOnce();
  return { "jobs/s": Math.min(finished, jobs) / seconds, capped };
}

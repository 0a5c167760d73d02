/**
 * Workload 3: drain a pre-loaded backlog with a no-op handler. The clock runs
 * from `startWorker` to the last job's handler; every job must run exactly once.
 *
 * The backlog is loaded by one session and drained by a second, so the
 * database's own counters (dbActivity.ts) taken between them tell how many
 * transactions and row writes the worker needed per job.
 */
import { benchJobs } from "../jobs.js";
import { DeliveryLedger } from "../ledger.js";
import { readDbActivity } from "../dbActivity.js";
import type { SystemSession } from "../system.js";
import type { Measurement } from "./enqueue.js";
import { fanOut, type WorkloadParams } from "./params.js";

const timeoutMs = 300_000;
/** After the last expected job, wait this long for late duplicates before checking. */
const settleMs = 300;

export async function drain(
  openSession: () => Promise<SystemSession>,
  params: WorkloadParams["drain"],
  databaseUrl: string,
): Promise<Measurement> {
  const { jobs, concurrency, preloadBatch } = params;
  const batches = Math.ceil(jobs / preloadBatch);
  const loader = await openSession();
  try {
    await fanOut(batches, 4, (b) =>
      loader.pushBatch(benchJobs(b * preloadBatch, Math.min(preloadBatch, jobs - b * preloadBatch))),
    );
  } finally {
    await loader.close();
  }
  const before = await readDbActivity(databaseUrl);
  const session = await openSession();
  try {
    const jobsPerSecond = await drainWith(session, jobs, concurrency);
    await session.close();
    const after = await readDbActivity(databaseUrl);
    return {
      "jobs/s": jobsPerSecond,
      "DB xacts per job": (after.transactions - before.transactions) / jobs,
      "rows written per job": (after.rowsWritten - before.rowsWritten) / jobs,
    };
  } catch (error) {
    await session.close().catch(() => {});
    throw error;
  }
}

async function drainWith(session: SystemSession, jobs: number, concurrency: number): Promise<number> {
  const ledger = new DeliveryLedger(jobs);
  const started = performance.now();
  const worker = await session.startWorker({ concurrency, handle: (job) => ledger.record(job.seq) });
  let seconds: number;
  try {
    await ledger.waitFor(jobs, timeoutMs);
    seconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  } finally {
    await worker.stop();
  }
  ledger.assertExactlyOnce();
  if (ledger.deliveredCount !== jobs) throw new Error(`${ledger.deliveredCount} deliveries for ${jobs} jobs`);
  return jobs / seconds;
}

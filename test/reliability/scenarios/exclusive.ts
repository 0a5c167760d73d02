/**
 * Exclusive delivery: many worker processes on one queue, no crashes,
 * handlers slow enough to overlap (some slower than the visibility timeout,
 * so only the heartbeat keeps them invisible). No job may ever run in two
 * places at once.
 */
import type pg from "pg";
import { startWorker, stopChildren, type ExitStatus } from "../harness/childProcesses.js";
import {
  findOverlappingRuns,
  readJobLedger,
  waitForDrain,
  type JobLedger,
  type RunOverlap,
} from "../harness/jobLedger.js";
import { prepareScenario, pushJobs } from "../harness/scenarioSetup.js";
import type { ReliabilityQueueSettings } from "../harness/reliabilityQueue.js";

export interface ExclusiveParams {
  jobs: number;
  workers: number;
  concurrency: number;
  /** Seconds. */
  visibilityTimeout: number;
  /** Handler time of ordinary jobs, milliseconds, spread over [min, max] by job id. */
  sleepMs: [number, number];
  /** Every n-th job runs for `longSleepMs` instead (longer than the visibility timeout). */
  longJobEvery: number;
  longSleepMs: number;
  timeoutMs: number;
}

export interface ExclusiveResult {
  drained: boolean;
  ledger: JobLedger;
  overlaps: RunOverlap[];
  /** Jobs with more than one attempt (none expected without crashes). */
  jobsRunMoreThanOnce: number;
  exits: ExitStatus[];
  seconds: number;
}

export async function runExclusiveScenario(
  db: { url: string; pool: pg.Pool },
  params: ExclusiveParams,
): Promise<ExclusiveResult> {
  const settings: ReliabilityQueueSettings = { queue: "exclusive", visibilityTimeout: params.visibilityTimeout };
  const range = { queue: settings.queue, firstJobId: 1, jobs: params.jobs };
  await prepareScenario(db.pool, settings);
  const [min, max] = params.sleepMs;
  await pushJobs(db.pool, settings, range, (id) =>
    id % params.longJobEvery === 0 ? params.longSleepMs : min + ((id * 7919) % (max - min + 1)),
  );

  const began = Date.now();
  const workers = Array.from({ length: params.workers }, () =>
    startWorker({
      url: db.url,
      queue: settings,
      concurrency: params.concurrency,
      handleSignals: false,
      pollInterval: 100,
      poolSize: 4,
    }),
  );
  const drained = await waitForDrain(db.pool, range, params.timeoutMs);
  const exits = await stopChildren(workers);
  const seconds = (Date.now() - began) / 1000;
  const repeated = await db.pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM (SELECT job_id FROM job_runs GROUP BY job_id HAVING count(*) > 1) s",
  );
  return {
    drained,
    ledger: await readJobLedger(db.pool, range),
    overlaps: await findOverlappingRuns(db.pool, range),
    jobsRunMoreThanOnce: Number(repeated.rows[0]!.n),
    exits,
    seconds,
  };
}

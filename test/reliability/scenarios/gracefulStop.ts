/**
 * Graceful stop under load: a saturated worker process (`handleSignals: true`)
 * gets SIGTERM in the middle of a drain. Its in-flight jobs must finish and be
 * acked before it exits with code 0 inside the shutdown deadline, it must
 * start nothing after the signal, and every message it held but did not run
 * must be visible again the moment it is gone. A fresh worker then drains the
 * rest: nothing lost, nothing run twice.
 */
import type pg from "pg";
import { startWorker, stopChildren, type ExitStatus } from "../harness/childProcesses.js";
import { readJobLedger, waitForDrain, type JobLedger } from "../harness/jobLedger.js";
import { prepareScenario, pushJobs, sleep } from "../harness/scenarioSetup.js";
import type { ReliabilityQueueSettings } from "../harness/reliabilityQueue.js";

/** Milliseconds after `kill()` from which an attempt start counts as "after the signal". */
export const SIGNAL_GRACE_MS = 50;

export interface GracefulStopParams {
  jobs: number;
  concurrency: number;
  batchSize: number;
  /** Handler time, milliseconds, spread over [min, max] by job id. */
  sleepMs: [number, number];
  /** Milliseconds the worker runs before SIGTERM. */
  stopAfterMs: number;
  /** The worker's `shutdownTimeout`, milliseconds. */
  shutdownTimeout: number;
  visibilityTimeout: number;
  timeoutMs: number;
}

export interface GracefulStopResult {
  exit: ExitStatus;
  /** Milliseconds from SIGTERM to exit. */
  stopMs: number;
  /** Attempts the stopped worker had started (all before the signal). */
  startedByStopped: number;
  /** Of those, attempts with no end stamp. */
  unfinishedByStopped: number;
  /** Attempts the stopped worker started more than `SIGNAL_GRACE_MS` after the signal was sent. */
  startedAfterSignal: number;
  /** Milliseconds from just before the signal to the stopped worker's last attempt start (negative: before it). */
  lastStartAfterSignalMs: number;
  /** Attempts the stopped worker finished whose message is not archived. */
  finishedButNotAcked: number;
  /** Right after exit: messages left, and those still invisible (vt in the future). */
  remainingAfterStop: number;
  invisibleAfterStop: number;
  drained: boolean;
  ledger: JobLedger;
  seconds: number;
}

export async function runGracefulStopScenario(
  db: { url: string; pool: pg.Pool },
  params: GracefulStopParams,
): Promise<GracefulStopResult> {
  const settings: ReliabilityQueueSettings = { queue: "graceful", visibilityTimeout: params.visibilityTimeout };
  const range = { queue: settings.queue, firstJobId: 1, jobs: params.jobs };
  await prepareScenario(db.pool, settings);
  const [min, max] = params.sleepMs;
  await pushJobs(db.pool, settings, range, (id) => min + ((id * 7919) % (max - min + 1)));

  const began = Date.now();
  const worker = startWorker({
    url: db.url,
    queue: settings,
    concurrency: params.concurrency,
    batchSize: params.batchSize,
    handleSignals: true,
    shutdownTimeout: params.shutdownTimeout,
    pollInterval: 100,
  });
  await worker.waitFor("ready", 60_000);
  await sleep(params.stopAfterMs);
  const clock = async () => (await db.pool.query<{ now: Date }>("SELECT clock_timestamp() AS now")).rows[0]!.now;
  const killedAt = await clock();
  const signalled = Date.now();
  worker.kill("SIGTERM");
  // The worker handles the signal on its event loop, which may be finishing a read that
  // starts jobs: attempts started within this grace are not counted as started after it.
  await sleep(SIGNAL_GRACE_MS);
  const signalledAt = await clock();
  const exit = await worker.exited;
  const stopMs = Date.now() - signalled;
  const after = await db.pool.query<{ remaining: string; invisible: string }>(
    `SELECT count(*) AS remaining, count(*) FILTER (WHERE vt > clock_timestamp()) AS invisible FROM pgmq.q_graceful`,
  );
  const runs = await db.pool.query<{
    started: string;
    unfinished: string;
    late: string;
    unacked: string;
    last_start_ms: number;
  }>(
    `SELECT count(*) AS started,
            (extract(epoch FROM max(started_at) - $3::timestamptz) * 1000)::float8 AS last_start_ms,
            count(*) FILTER (WHERE finished_at IS NULL) AS unfinished,
            count(*) FILTER (WHERE started_at > $2) AS late,
            count(*) FILTER (WHERE finished_at IS NOT NULL
                               AND NOT EXISTS (SELECT 1 FROM pgmq.a_graceful a WHERE a.msg_id = r.msg_id)) AS unacked
       FROM job_runs r WHERE pid = $1`,
    [worker.pid, signalledAt, killedAt],
  );

  const successor = startWorker({
    url: db.url,
    queue: settings,
    concurrency: params.concurrency * 2,
    handleSignals: false,
    pollInterval: 100,
  });
  const drained = await waitForDrain(db.pool, range, params.timeoutMs);
  await stopChildren([successor]);
  const row = runs.rows[0]!;
  return {
    exit,
    stopMs,
    startedByStopped: Number(row.started),
    unfinishedByStopped: Number(row.unfinished),
    startedAfterSignal: Number(row.late),
    lastStartAfterSignalMs: row.last_start_ms,
    finishedButNotAcked: Number(row.unacked),
    remainingAfterStop: Number(after.rows[0]!.remaining),
    invisibleAfterStop: Number(after.rows[0]!.invisible),
    drained,
    ledger: await readJobLedger(db.pool, range),
    seconds: (Date.now() - began) / 1000,
  };
}

/**
 * Crash: worker processes drain a queue while a driver SIGKILLs a random one
 * every few hundred milliseconds and starts a replacement. Nothing may be
 * lost; a job may run twice only because a process that ran it was killed.
 */
import type pg from "pg";
import { startWorker, stopChildren, type ChildHandle, type ExitStatus } from "../harness/childProcesses.js";
import { recordKill } from "../harness/jobRuns.js";
import {
  findOverlappingRuns,
  readJobLedger,
  readProgress,
  waitForDrain,
  type JobLedger,
  type RunOverlap,
} from "../harness/jobLedger.js";
import { prepareScenario, pushJobs, randomBetween, sleep } from "../harness/scenarioSetup.js";
import type { ReliabilityQueueSettings } from "../harness/reliabilityQueue.js";

export interface CrashParams {
  jobs: number;
  workers: number;
  concurrency: number;
  /** Milliseconds between kills, drawn uniformly from [min, max]. */
  killEveryMs: [number, number];
  /**
   * Milliseconds a worker has been polling before it may be killed: a process
   * needs about a second to start, so without this most kills would hit
   * processes that have not read anything yet.
   */
  minLifeMs: number;
  /**
   * Milliseconds of killing, from the first worker start; the survivors then
   * finish the drain, redeliveries included. Every restart costs a second of
   * CPU, so on a small machine the quick run keeps this short.
   */
  chaosMs: number;
  /** Seconds; short, so killed work comes back within the run. */
  visibilityTimeout: number;
  /** Handler time per job, milliseconds. */
  sleepMs: number;
  /** Milliseconds the whole drain may take. */
  timeoutMs: number;
}

export interface CrashResult {
  drained: boolean;
  ledger: JobLedger;
  kills: number;
  /** Attempts started by a process before it was killed and not archived by then. */
  inFlightInKilledProcesses: number;
  /** Jobs finished more than once although at most one of their finishing processes was killed. */
  unexplainedDuplicates: number;
  overlaps: RunOverlap[];
  /** Exits of the survivors stopped with SIGTERM at the end. */
  survivorExits: ExitStatus[];
  /** Children that exited on their own (not killed by the driver). */
  unexpectedExits: Array<{ pid: number; status: ExitStatus; stderr: string }>;
  seconds: number;
}

/** `log` receives a progress line every ten seconds of the chaos phase (the soak prints them). */
export async function runCrashScenario(
  db: { url: string; pool: pg.Pool },
  params: CrashParams,
  log: (line: string) => void = () => {},
): Promise<CrashResult> {
  const settings: ReliabilityQueueSettings = {
    queue: "crash",
    visibilityTimeout: params.visibilityTimeout,
    retryDelay: 0.2,
  };
  const range = { queue: settings.queue, firstJobId: 1, jobs: params.jobs };
  await prepareScenario(db.pool, settings);
  await pushJobs(db.pool, settings, range, () => params.sleepMs);

  const began = Date.now();
  const killed = new Set<number>();
  const unexpectedExits: CrashResult["unexpectedExits"] = [];
  const fleet = new Set<ChildHandle>();
  /** Workers polling, with the moment they reported ready. */
  const ready = new Map<ChildHandle, number>();
  const launch = () => {
    const child = startWorker({
      url: db.url,
      queue: settings,
      concurrency: params.concurrency,
      handleSignals: false,
      pollInterval: 250,
    });
    fleet.add(child);
    child.waitFor("ready", 60_000).then(
      () => ready.set(child, Date.now()),
      () => {},
    );
    void child.exited.then((status) => {
      fleet.delete(child);
      ready.delete(child);
      if (!killed.has(child.pid) && !stopping) unexpectedExits.push({ pid: child.pid, status, stderr: child.stderr() });
    });
  };
  let stopping = false;
  for (let i = 0; i < params.workers; i++) launch();

  // Kill while most of the work is still ahead; then let the survivors finish the redeliveries.
  const deadline = began + params.timeoutMs;
  const chaosEnds = Math.min(deadline, began + params.chaosMs);
  let lastLog = Date.now();
  for (;;) {
    await sleep(randomBetween(...params.killEveryMs));
    const progress = await readProgress(db.pool, range);
    if (Date.now() - lastLog >= 10_000) {
      lastLog = Date.now();
      log(
        `${progress.finishedJobs} of ${params.jobs} jobs done, ${killed.size} SIGKILLs, ${((Date.now() - began) / 1000).toFixed(0)} s`,
      );
    }
    if (progress.finishedJobs >= params.jobs * 0.95 || Date.now() > chaosEnds) break;
    const candidates = [...ready].filter(([, since]) => Date.now() - since >= params.minLifeMs).map(([child]) => child);
    const victim = candidates[Math.floor(Math.random() * candidates.length)];
    if (victim === undefined) continue;
    killed.add(victim.pid);
    ready.delete(victim);
    await recordKill(db.pool, victim.pid, "SIGKILL");
    victim.kill("SIGKILL");
    launch();
  }

  const drained = await waitForDrain(db.pool, range, Math.max(5_000, deadline - Date.now()));
  stopping = true;
  const survivorExits = await stopChildren([...fleet]);
  const seconds = (Date.now() - began) / 1000;

  const ledger = await readJobLedger(db.pool, range);
  const inFlight = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM (
       SELECT DISTINCT r.pid, r.msg_id
         FROM job_runs r JOIN worker_kills k ON k.pid = r.pid
         LEFT JOIN pgmq.a_crash a ON a.msg_id = r.msg_id
        WHERE r.started_at <= k.killed_at AND (a.archived_at IS NULL OR a.archived_at > k.killed_at)) s`,
  );
  const unexplained = await db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM (
       SELECT r.job_id FROM job_runs r
        WHERE r.finished_at IS NOT NULL
        GROUP BY r.job_id
       HAVING count(*) > 1
          AND count(*) FILTER (WHERE r.pid NOT IN (SELECT pid FROM worker_kills)) > 1) s`,
  );
  return {
    drained,
    ledger,
    kills: killed.size,
    inFlightInKilledProcesses: Number(inFlight.rows[0]!.n),
    unexplainedDuplicates: Number(unexplained.rows[0]!.n),
    overlaps: await findOverlappingRuns(db.pool, range),
    survivorExits,
    unexpectedExits,
    seconds,
  };
}

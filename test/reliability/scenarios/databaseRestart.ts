/**
 * Database restart: in the middle of a drain, every backend of the test
 * database is terminated (`pg_terminate_backend`), several times. This is what
 * a server restart looks like to clients, without restarting the server the
 * other test files share. Workers and the producer must report the error,
 * reconnect and finish; no process may exit; nothing may be lost.
 */
import pg from "pg";
import { adminUrl } from "../../helpers/database.js";
import { startProducer, startWorker, stopChildren, type ExitStatus } from "../harness/childProcesses.js";
import {
  findOverlappingRuns,
  readJobLedger,
  waitForDrain,
  type JobLedger,
  type RunOverlap,
} from "../harness/jobLedger.js";
import { prepareScenario, sleep } from "../harness/scenarioSetup.js";
import type { ReliabilityQueueSettings } from "../harness/reliabilityQueue.js";

export interface DatabaseRestartParams {
  jobs: number;
  workers: number;
  concurrency: number;
  producerCallers: number;
  /** Milliseconds each producer caller waits between pushes, so pushing spans the terminations. */
  producerPauseMs: number;
  /** Milliseconds after the start at which every backend is terminated. */
  terminateAtMs: number[];
  visibilityTimeout: number;
  sleepMs: number;
  timeoutMs: number;
}

export interface DatabaseRestartResult {
  drained: boolean;
  ledger: JobLedger;
  overlaps: RunOverlap[];
  /** Backends terminated at each restart. */
  terminated: number[];
  /** Whether the producer was still pushing at each restart. */
  producerBusyAtRestart: boolean[];
  workerErrors: number;
  producerErrors: number;
  /** Children that exited before the driver stopped them. */
  exitedEarly: Array<{ pid: number; script: string; status: ExitStatus; stderr: string }>;
  producerExit: ExitStatus;
  workerExits: ExitStatus[];
  seconds: number;
}

/** Terminates every backend connected to `database` and returns how many there were. */
export async function terminateBackends(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const result = await admin.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [database],
    );
    return result.rows.filter((row) => row.ok).length;
  } finally {
    await admin.end();
  }
}

export async function runDatabaseRestartScenario(
  db: { name: string; url: string; pool: pg.Pool },
  params: DatabaseRestartParams,
): Promise<DatabaseRestartResult> {
  const settings: ReliabilityQueueSettings = {
    queue: "restart",
    visibilityTimeout: params.visibilityTimeout,
    retryDelay: 0.2,
    maxRetries: 50,
  };
  const range = { queue: settings.queue, firstJobId: 1, jobs: params.jobs };
  await prepareScenario(db.pool, settings);

  const began = Date.now();
  const workers = Array.from({ length: params.workers }, () =>
    startWorker({
      url: db.url,
      queue: settings,
      concurrency: params.concurrency,
      handleSignals: false,
      pollInterval: 200,
    }),
  );
  await Promise.all(workers.map((worker) => worker.waitFor("ready", 60_000)));
  const producer = startProducer({
    url: db.url,
    queue: settings,
    firstJobId: 1,
    jobs: params.jobs,
    batchSize: 1,
    callers: params.producerCallers,
    sleepMs: params.sleepMs,
    pauseMs: params.producerPauseMs,
  });
  const children = [...workers, producer];
  // The restarts are timed from the producer's first push, not its spawn: on a
  // loaded machine the child can take seconds to start, and a producer with no
  // connection yet sees no restart at all.
  await producer.waitFor("pushing", 60_000);
  const pushingSince = Date.now();

  const terminated: number[] = [];
  const producerBusyAtRestart: boolean[] = [];
  for (const at of params.terminateAtMs) {
    await sleep(Math.max(0, pushingSince + at - Date.now()));
    producerBusyAtRestart.push(!producer.reports.some((r) => r.event === "done"));
    terminated.push(await terminateBackends(db.name));
  }

  const finished = await Promise.race([
    producer.waitFor("done", params.timeoutMs).then(() => true),
    producer.exited.then(() => false),
  ]);
  const drained =
    finished && (await waitForDrain(db.pool, range, Math.max(5_000, began + params.timeoutMs - Date.now())));
  const exitedEarly = children
    .filter((child) => child !== producer && child.exitStatus() !== null)
    .map((child) => ({ pid: child.pid, script: child.script, status: child.exitStatus()!, stderr: child.stderr() }));
  const producerExit = await producer.exited;
  if (producerExit.code !== 0) {
    exitedEarly.push({ pid: producer.pid, script: producer.script, status: producerExit, stderr: producer.stderr() });
  }
  const workerExits = await stopChildren(workers);
  const seconds = (Date.now() - began) / 1000;

  const countErrors = (reports: typeof producer.reports) => reports.filter((r) => r.event === "error").length;
  return {
    drained,
    ledger: await readJobLedger(db.pool, range),
    overlaps: await findOverlappingRuns(db.pool, range),
    terminated,
    producerBusyAtRestart,
    workerErrors: workers.reduce((sum, worker) => sum + countErrors(worker.reports), 0),
    producerErrors: countErrors(producer.reports),
    exitedEarly,
    producerExit,
    workerExits,
    seconds,
  };
}

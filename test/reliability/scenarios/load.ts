/**
 * Load: a producer process pushes a fixed number of jobs from many concurrent
 * callers while worker processes drain. Reports sustained throughput,
 * push-to-start latency and the workers' peak memory; nothing may be lost.
 * Figures are reported, never asserted.
 */
import type pg from "pg";
import { startProducer, startWorker, stopChildren, type ExitStatus } from "../harness/childProcesses.js";
import {
  readJobLedger,
  readLatencyFigures,
  waitForDrain,
  type JobLedger,
  type LatencyFigures,
} from "../harness/jobLedger.js";
import { prepareScenario } from "../harness/scenarioSetup.js";
import type { ReliabilityQueueSettings } from "../harness/reliabilityQueue.js";
import { distinctErrors } from "../harness/workerProtocol.js";

export interface LoadParams {
  jobs: number;
  producerCallers: number;
  workers: number;
  concurrency: number;
  sleepMs: number;
  timeoutMs: number;
}

export interface LoadResult {
  drained: boolean;
  ledger: JobLedger;
  figures: LatencyFigures;
  /** Jobs pushed per second by the producer, start to its last push. */
  pushesPerSecond: number;
  /** Highest peak resident set size among the worker processes, bytes. */
  workerPeakRss: number;
  producerExit: ExitStatus;
  workerExits: ExitStatus[];
  workerErrors: number;
  /** Distinct messages of the errors the workers reported, up to 10. */
  workerErrorSamples: string[];
  seconds: number;
}

export async function runLoadScenario(db: { url: string; pool: pg.Pool }, params: LoadParams): Promise<LoadResult> {
  const settings: ReliabilityQueueSettings = { queue: "load", visibilityTimeout: 30 };
  const range = { queue: settings.queue, firstJobId: 1, jobs: params.jobs };
  await prepareScenario(db.pool, settings);

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
  const began = Date.now();
  const producer = startProducer({
    url: db.url,
    queue: settings,
    firstJobId: 1,
    jobs: params.jobs,
    batchSize: 1,
    callers: params.producerCallers,
    sleepMs: params.sleepMs,
  });
  await producer.waitFor("done", params.timeoutMs);
  const pushSeconds = (Date.now() - began) / 1000;
  const producerExit = await producer.exited;
  const drained = await waitForDrain(db.pool, range, Math.max(5_000, began + params.timeoutMs - Date.now()));
  const workerPeakRss = Math.max(0, ...workers.map((worker) => worker.peakRss() ?? 0));
  const workerExits = await stopChildren(workers);
  return {
    drained,
    ledger: await readJobLedger(db.pool, range),
    figures: await readLatencyFigures(db.pool, range),
    pushesPerSecond: params.jobs / pushSeconds,
    workerPeakRss,
    producerExit,
    workerExits,
    workerErrors: workers.reduce((sum, worker) => sum + worker.reports.filter((r) => r.event === "error").length, 0),
    workerErrorSamples: distinctErrors(workers.flatMap((worker) => worker.reports)),
    seconds: (Date.now() - began) / 1000,
  };
}

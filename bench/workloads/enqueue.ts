/**
 * Workloads 1 and 2: how fast jobs go in. No worker runs; a short warm-up
 * opens the pools and prepares statements before the clock starts.
 */
import { benchJob, benchJobs } from "../jobs.js";
import type { SystemSession } from "../system.js";
import { fanOut, type WorkloadParams } from "./params.js";

export type Measurement = Record<string, number>;

const warmupPushes = 40;

export async function enqueueSingle(
  session: SystemSession,
  params: WorkloadParams["enqueueSingle"],
): Promise<Measurement> {
  const { jobs, callers } = params;
  await fanOut(warmupPushes, callers, (i) => session.push(benchJob(jobs + i)));
  const started = performance.now();
  await fanOut(jobs, callers, (seq) => session.push(benchJob(seq)));
  const seconds = (performance.now() - started) / 1000;
  return { "jobs/s": jobs / seconds };
}

export async function enqueueBatch(
  session: SystemSession,
  params: WorkloadParams["enqueueBatch"],
): Promise<Measurement> {
  const { jobs, batchSize, callers } = params;
  await fanOut(callers, callers, (i) => session.pushBatch(benchJobs(jobs + i * batchSize, batchSize)));
  const batches = Math.ceil(jobs / batchSize);
  // Payloads are built before the clock starts: the bench measures the queue, not object literals.
  const payloads = Array.from({ length: batches }, (_, b) =>
    benchJobs(b * batchSize, Math.min(batchSize, jobs - b * batchSize)),
  );
  const started = performance.now();
  await fanOut(batches, callers, (b) => session.pushBatch(payloads[b]!));
  const seconds = (performance.now() - started) / 1000;
  return { "jobs/s": jobs / seconds };
}

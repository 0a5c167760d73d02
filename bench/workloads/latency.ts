/**
 * Workload 4: push-to-handler latency on an idle worker. One job every
 * `intervalMs` on a fixed schedule (a slow push does not delay the next), so
 * the figures include the push's own round trip and the worker's wake-up.
 */
import { benchJob } from "../jobs.js";
import { DeliveryLedger } from "../ledger.js";
import { quantile } from "../stats.js";
import type { SystemSession } from "../system.js";
import type { Measurement } from "./enqueue.js";
import type { WorkloadParams } from "./params.js";

const drainTimeoutMs = 60_000;

function sleepUntil(target: number): Promise<void> {
  const ms = target - performance.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Pushes jobs 0..jobs-1, one every `intervalMs` on a fixed schedule (a slow
 * push does not delay the next), recording when each push began in `pushedAt`.
 * Resolves when every push has.
 */
export async function pushOnSchedule(
  session: SystemSession,
  jobs: number,
  intervalMs: number,
  pushedAt: Float64Array,
): Promise<void> {
  const pushes: Promise<void>[] = [];
  const start = performance.now();
  for (let seq = 0; seq < jobs; seq++) {
    await sleepUntil(start + seq * intervalMs);
    pushedAt[seq] = performance.now();
    pushes.push(session.push(benchJob(seq)));
  }
  await Promise.all(pushes);
}

export async function latency(session: SystemSession, params: WorkloadParams["latency"]): Promise<Measurement> {
  const { jobs, intervalMs, concurrency, warmupJobs } = params;
  const total = jobs + warmupJobs;
  const pushedAt = new Float64Array(total);
  const handledAt = new Float64Array(total);
  const ledger = new DeliveryLedger(total);
  const worker = await session.startWorker({
    concurrency,
    handle: (job) => {
      handledAt[job.seq] = performance.now();
      ledger.record(job.seq);
    },
  });
  try {
    // Warm-up jobs (seq >= jobs) open connections and wake the worker once; they are not measured.
    for (let seq = jobs; seq < total; seq++) await session.push(benchJob(seq));
    await ledger.waitFor(warmupJobs, drainTimeoutMs);
    await pushOnSchedule(session, jobs, intervalMs, pushedAt);
    await ledger.waitFor(total, drainTimeoutMs);
  } finally {
    await worker.stop();
  }
  ledger.assertExactlyOnce();
  const latencies = Array.from({ length: jobs }, (_, seq) => handledAt[seq]! - pushedAt[seq]!);
  return {
    "p50 ms": quantile(latencies, 0.5),
    "p95 ms": quantile(latencies, 0.95),
    "p99 ms": quantile(latencies, 0.99),
  };
}

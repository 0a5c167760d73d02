/**
 * Push → start latency at depth: one push every `intervalMs` on a fixed
 * schedule to an idle worker, measured from just before the push to the
 * handler (as bench/workloads/latency.ts). A job not started `capMs` after
 * the last push counts with the time it has waited so far, so capped
 * percentiles are lower bounds.
 */
import { benchJob } from "../jobs.js";
import { DeliveryLedger } from "../ledger.js";
import { quantile } from "../stats.js";
import type { SystemSession } from "../system.js";
import { pushOnSchedule } from "../workloads/latency.js";

export interface LatencyFigure {
  "p50 ms": number;
  "p95 ms": number;
  capped: boolean;
}

export async function cappedLatency(
  session: SystemSession,
  params: { jobs: number; intervalMs: number; concurrency: number; warmupJobs: number; capMs: number },
): Promise<LatencyFigure> {
  const { jobs, intervalMs, concurrency, warmupJobs, capMs } = params;
  const total = jobs + warmupJobs;
  const pushedAt = new Float64Array(total);
  const handledAt = new Float64Array(total);
  const ledger = new DeliveryLedger(total);
  const worker = await session.startWorker({
    concurrency,
    handle: (job) => {
      if (job.seq < total) handledAt[job.seq] = performance.now();
      ledger.record(job.seq);
    },
  });
  let capped = false;
  let end = 0;
  try {
    // Warm-up jobs (seq >= jobs) open connections and wake the worker once; they are not measured.
    for (let seq = jobs; seq < total; seq++) await session.push(benchJob(seq));
    await ledger.waitFor(warmupJobs, capMs).catch(() => {});
    await pushOnSchedule(session, jobs, intervalMs, pushedAt);
    await ledger.waitFor(total, capMs).catch(() => {
      capped = true;
    });
    end = performance.now();
  } finally {
    await worker.stop();
  }
  if (capped) ledger.assertAtMostOnce();
  else ledger.assertExactlyOnce();
  const latencies = Array.from(
    { length: jobs },
    (_, seq) => (handledAt[seq]! > 0 ? handledAt[seq]! : end) - pushedAt[seq]!,
  );
  return { "p50 ms": quantile(latencies, 0.5), "p95 ms": quantile(latencies, 0.95), capped };
}

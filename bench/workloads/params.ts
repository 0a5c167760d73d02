/**
 * The one workload definition every system runs: sizes for a full run and
 * for `--quick`, the smoke-check version.
 */
export interface WorkloadParams {
  enqueueSingle: { jobs: number; callers: number };
  enqueueBatch: { jobs: number; batchSize: number; callers: number };
  drain: { jobs: number; concurrency: number; preloadBatch: number };
  latency: { jobs: number; intervalMs: number; concurrency: number; warmupJobs: number };
  mixed: { seconds: number; producers: number; batchSize: number; concurrency: number; maxBacklog: number };
}

export const fullParams: WorkloadParams = {
  enqueueSingle: { jobs: 8_000, callers: 8 },
  enqueueBatch: { jobs: 100_000, batchSize: 100, callers: 8 },
  drain: { jobs: 20_000, concurrency: 16, preloadBatch: 1_000 },
  latency: { jobs: 2_000, intervalMs: 10, concurrency: 16, warmupJobs: 20 },
  mixed: { seconds: 60, producers: 8, batchSize: 10, concurrency: 100, maxBacklog: 5_000 },
};

export const quickParams: WorkloadParams = {
  enqueueSingle: { jobs: 1_000, callers: 8 },
  enqueueBatch: { jobs: 10_000, batchSize: 100, callers: 8 },
  drain: { jobs: 4_000, concurrency: 16, preloadBatch: 1_000 },
  latency: { jobs: 200, intervalMs: 10, concurrency: 16, warmupJobs: 10 },
  mixed: { seconds: 6, producers: 8, batchSize: 10, concurrency: 100, maxBacklog: 5_000 },
};

/** Runs `task(i)` for i in [0, count) from `callers` concurrent loops; resolves when all are done. */
export async function fanOut(count: number, callers: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  async function caller(): Promise<void> {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(callers, count) }, caller));
}

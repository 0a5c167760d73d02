/**
 * The two sizes every scenario runs at: `quick` inside `npm test` (all of
 * test/reliability within a few minutes on two cores), `soak` in `npm run
 * soak` (100,000+ jobs, longer chaos). Same code, different numbers.
 */
import type { CrashParams } from "./crash.js";
import type { DatabaseRestartParams } from "./databaseRestart.js";
import type { ExclusiveParams } from "./exclusive.js";
import type { GracefulStopParams } from "./gracefulStop.js";
import type { LoadParams } from "./load.js";

export interface ScenarioSizes {
  crash: CrashParams;
  exclusive: ExclusiveParams;
  databaseRestart: DatabaseRestartParams;
  gracefulStop: GracefulStopParams;
  load: LoadParams;
}

export const quick: ScenarioSizes = {
  crash: {
    jobs: 20_000,
    workers: 4,
    concurrency: 20,
    killEveryMs: [300, 700],
    minLifeMs: 1_000,
    chaosMs: 25_000,
    visibilityTimeout: 2,
    sleepMs: 0,
    timeoutMs: 120_000,
  },
  exclusive: {
    jobs: 1_500,
    workers: 8,
    concurrency: 5,
    visibilityTimeout: 2,
    sleepMs: [20, 80],
    longJobEvery: 250,
    longSleepMs: 3_500,
    timeoutMs: 90_000,
  },
  databaseRestart: {
    jobs: 3_000,
    workers: 3,
    concurrency: 10,
    producerCallers: 8,
    producerPauseMs: 10,
    terminateAtMs: [1_500, 3_500],
    visibilityTimeout: 3,
    sleepMs: 2,
    timeoutMs: 90_000,
  },
  gracefulStop: {
    jobs: 300,
    concurrency: 8,
    batchSize: 16,
    sleepMs: [200, 800],
    stopAfterMs: 1_500,
    shutdownTimeout: 10_000,
    visibilityTimeout: 30,
    timeoutMs: 60_000,
  },
  load: {
    jobs: 5_000,
    producerCallers: 32,
    workers: 4,
    concurrency: 16,
    sleepMs: 0,
    timeoutMs: 120_000,
  },
};

export const soak: ScenarioSizes = {
  crash: { ...quick.crash, jobs: 100_000, workers: 6, chaosMs: 600_000, timeoutMs: 1_200_000 },
  exclusive: { ...quick.exclusive, jobs: 20_000, timeoutMs: 600_000 },
  databaseRestart: {
    ...quick.databaseRestart,
    jobs: 30_000,
    producerCallers: 16,
    terminateAtMs: [2_000, 6_000, 10_000, 14_000, 18_000],
    timeoutMs: 600_000,
  },
  gracefulStop: { ...quick.gracefulStop, jobs: 3_000, concurrency: 32, batchSize: 64 },
  load: { ...quick.load, jobs: 100_000, timeoutMs: 1_200_000 },
};

import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { killAllChildren } from "./harness/childProcesses.js";
import { runLoadScenario } from "./scenarios/load.js";
import { quick } from "./scenarios/sizes.js";

const db = useTestDatabase("reliability_load");

afterAll(async () => {
  await killAllChildren();
});

describe("32 concurrent pushers against 4 worker processes", () => {
  it("deliver every job once and report throughput, latency and memory", { timeout: 180_000 }, async () => {
    const params = quick.load;
    const result = await runLoadScenario(db, params);
    console.info(
      `[reliability] load: ${params.jobs} jobs, ${result.figures.jobsPerSecond.toFixed(0)} jobs/s sustained, ` +
        `${result.pushesPerSecond.toFixed(0)} pushes/s, push-to-start p50 ${result.figures.p50PushToStartMs.toFixed(1)} ms, ` +
        `p99 ${result.figures.p99PushToStartMs.toFixed(1)} ms, worker peak RSS ${(result.workerPeakRss / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(result.producerExit.code).toBe(0);
    expect(result.drained).toBe(true);
    expect(result.ledger.missing).toBe(0);
    expect(result.ledger.queueRemaining).toBe(0);
    expect(result.ledger.archived).toBe(params.jobs);
    expect(result.ledger.recordedMoreThanOnce).toBe(0);
    expect(result.workerErrorSamples).toEqual([]);
    expect(result.workerPeakRss).toBeGreaterThan(0);
    expect(result.workerExits.every((exit) => exit.code === 0)).toBe(true);
  });
});

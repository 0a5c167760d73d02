import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { killAllChildren } from "./harness/childProcesses.js";
import { runGracefulStopScenario } from "./scenarios/gracefulStop.js";
import { quick } from "./scenarios/sizes.js";

const db = useTestDatabase("reliability_graceful");

afterAll(async () => {
  await killAllChildren();
});

describe("SIGTERM to a saturated worker process (handleSignals: true)", () => {
  it("finishes in-flight jobs, releases the rest at once and exits 0 within the deadline", {
    timeout: 120_000,
  }, async () => {
    const params = quick.gracefulStop;
    const result = await runGracefulStopScenario(db, params);
    console.info(
      `[reliability] graceful stop: exit after ${result.stopMs} ms with ${result.startedByStopped} attempts run, ` +
        `${result.remainingAfterStop} messages left, ${result.invisibleAfterStop} of them invisible`,
    );
    expect(result.stopMs).toBeLessThan(params.shutdownTimeout);
    expect(result.startedByStopped).toBeGreaterThan(0);
    expect(result.unfinishedByStopped).toBe(0);
    expect(result.startedAfterSignal).toBe(0);
    expect(result.finishedButNotAcked).toBe(0);
    expect(result.remainingAfterStop).toBeGreaterThan(0);
    expect(result.invisibleAfterStop).toBe(0);
    expect(result.drained).toBe(true);
    expect(result.ledger.missing).toBe(0);
    expect(result.ledger.recordedMoreThanOnce).toBe(0);
    expect(result.ledger.archived).toBe(params.jobs);
    // The issue asks for exit code 0 after a graceful stop, not death by the re-raised signal.
    expect(result.exit).toEqual({ code: 0, signal: null });
  });
});

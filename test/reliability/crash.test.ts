import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { killAllChildren } from "./harness/childProcesses.js";
import { runCrashScenario } from "./scenarios/crash.js";
import { quick } from "./scenarios/sizes.js";

const db = useTestDatabase("reliability_crash");

afterAll(async () => {
  await killAllChildren();
});

describe("worker processes SIGKILLed at random during a drain", () => {
  it("lose nothing, archive every job once, and run a job twice only if a killed process held it", {
    timeout: 240_000,
  }, async () => {
    const result = await runCrashScenario(db, quick.crash);
    console.info(
      `[reliability] crash: ${quick.crash.jobs} jobs in ${result.seconds.toFixed(1)} s, ${result.kills} SIGKILLs, ` +
        `${result.ledger.recordedMoreThanOnce} jobs recorded more than once, ` +
        `${result.inFlightInKilledProcesses} attempts in flight in killed processes`,
    );
    expect(result.unexpectedExits).toEqual([]);
    expect(result.kills).toBeGreaterThanOrEqual(5);
    expect(result.drained).toBe(true);
    expect(result.ledger.missing).toBe(0);
    expect(result.ledger.queueRemaining).toBe(0);
    expect(result.ledger.archived).toBe(quick.crash.jobs);
    expect(result.ledger.notArchived).toBe(0);
    expect(result.ledger.archivedTwice).toBe(0);
    expect(result.ledger.recordedMoreThanOnce).toBeLessThanOrEqual(result.inFlightInKilledProcesses);
    expect(result.unexplainedDuplicates).toBe(0);
    expect(result.overlaps).toEqual([]);
    expect(result.survivorExits.every((exit) => exit.code === 0)).toBe(true);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { killAllChildren } from "./harness/childProcesses.js";
import { runExclusiveScenario } from "./scenarios/exclusive.js";
import { quick } from "./scenarios/sizes.js";

const db = useTestDatabase("reliability_exclusive");

afterAll(async () => {
  await killAllChildren();
});

describe("eight worker processes on one queue", () => {
  it("never run one message in two places at once, even past the visibility timeout", {
    timeout: 180_000,
  }, async () => {
    const result = await runExclusiveScenario(db, quick.exclusive);
    console.info(
      `[reliability] exclusive: ${quick.exclusive.jobs} jobs on ${quick.exclusive.workers} processes in ${result.seconds.toFixed(1)} s, ` +
        `${result.overlaps.length} overlapping attempts, ${result.jobsRunMoreThanOnce} jobs run more than once`,
    );
    expect(result.drained).toBe(true);
    expect(result.overlaps).toEqual([]);
    expect(result.ledger.missing).toBe(0);
    expect(result.ledger.queueRemaining).toBe(0);
    expect(result.ledger.archived).toBe(quick.exclusive.jobs);
    // No crashes: the heartbeat keeps even the jobs slower than the visibility timeout to one attempt.
    expect(result.jobsRunMoreThanOnce).toBe(0);
    expect(result.exits.every((exit) => exit.code === 0)).toBe(true);
  });
});

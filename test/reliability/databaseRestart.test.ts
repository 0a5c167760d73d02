import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { killAllChildren } from "./harness/childProcesses.js";
import { runDatabaseRestartScenario } from "./scenarios/databaseRestart.js";
import { quick } from "./scenarios/sizes.js";

const db = useTestDatabase("reliability_restart");

afterAll(async () => {
  await killAllChildren();
});

describe("every backend of the database terminated twice in the middle of a drain", () => {
  it("workers and producer report it, reconnect and finish; nothing lost, no process exits", {
    timeout: 180_000,
  }, async () => {
    const result = await runDatabaseRestartScenario(db, quick.databaseRestart);
    console.info(
      `[reliability] database restart: ${quick.databaseRestart.jobs} jobs in ${result.seconds.toFixed(1)} s, ` +
        `backends terminated ${result.terminated.join(" + ")}, errors reported: workers ${result.workerErrors}, ` +
        `producer ${result.producerErrors}; ${result.ledger.recordedMoreThanOnce} jobs recorded more than once`,
    );
    expect(result.exitedEarly).toEqual([]);
    expect(result.terminated.every((count) => count > 0)).toBe(true);
    expect(result.producerBusyAtRestart).toEqual(quick.databaseRestart.terminateAtMs.map(() => true));
    expect(result.workerErrors).toBeGreaterThan(0);
    expect(result.producerErrors).toBeGreaterThan(0);
    expect(result.drained).toBe(true);
    expect(result.ledger.missing).toBe(0);
    expect(result.ledger.queueRemaining).toBe(0);
    expect(result.ledger.notArchived).toBe(0);
    expect(result.overlaps).toEqual([]);
    expect(result.producerExit.code).toBe(0);
    expect(result.workerExits.every((exit) => exit.code === 0)).toBe(true);
  });
});

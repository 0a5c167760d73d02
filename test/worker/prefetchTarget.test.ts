/** PrefetchTarget: ~100 ms of work at the recent start rate, capped at batchSize, following bursts within a few reads. */
import { describe, expect, it } from "vitest";
import { PREFETCH_HORIZON_MS, PrefetchTarget } from "../../packages/runtime/src/worker/prefetchTarget.js";

describe("PrefetchTarget", () => {
  it("issue 13 #5: is zero before anything started, and one message (the measured term rounded up) for jobs slower than the horizon", () => {
    const target = new PrefetchTarget(500, 0);
    expect(target.target).toBe(0);
    // A second with nothing started is still zero: no rate, no target.
    let now = 1000;
    expect(target.update(now)).toBe(0);
    // Two slots, jobs of one second: 2 starts per second, 0.2 jobs per 100 ms horizon, which rounds up to 1.
    for (let second = 0; second < 5; second++) {
      target.started(2);
      now += 1000;
      target.update(now);
    }
    expect(target.target).toBe(1);
  });

  it("reaches batchSize within a few reads for no-op jobs, and comes back down when they slow", () => {
    const target = new PrefetchTarget(500, 0);
    let now = 0;
    const reads: number[] = [];
    for (let read = 0; read < 4; read++) {
      target.started(100); // 100 jobs every 5 ms = 20,000 jobs/s
      now += 5;
      reads.push(target.update(now));
    }
    expect(reads[0]).toBe(500);
    expect(reads.at(-1)).toBe(500);
    for (let read = 0; read < 20; read++) {
      target.started(1); // then 10 jobs/s
      now += 100;
      target.update(now);
    }
    // 10 jobs/s is one job per horizon (the average still carries a trace of the burst).
    expect(target.target).toBeLessThanOrEqual(2);
  });

  it("ignores intervals too short to measure", () => {
    const target = new PrefetchTarget(500, 0);
    target.started(3);
    expect(target.update(1)).toBe(0);
    expect(target.update(10)).toBe(Math.ceil((3 / 10 / 2) * PREFETCH_HORIZON_MS));
  });
});

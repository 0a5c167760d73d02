import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../packages/runtime/src/backoff.js";
import type { Backoff } from "../../packages/runtime/src/types.js";

const exponential: Backoff = { kind: "exponential", initial: 2, factor: 3, max: 100, jitter: false };

describe("retryDelaySeconds", () => {
  it.each([
    [1, 2],
    [2, 6],
    [3, 18],
    [4, 54],
    [5, 100],
    [50, 100],
    [5000, 100],
  ])("exponential, attempt %i: %d s", (attempt, want) => {
    expect(retryDelaySeconds(exponential, attempt)).toBe(want);
  });

  it("full jitter draws uniformly in [0, delay]", () => {
    const jittered: Backoff = { ...exponential, jitter: true };
    expect(retryDelaySeconds(jittered, 3, () => 0)).toBe(0);
    expect(retryDelaySeconds(jittered, 3, () => 0.5)).toBe(9);
    expect(retryDelaySeconds(jittered, 3, () => 0.999999)).toBeCloseTo(18, 3);
    for (let i = 0; i < 200; i++) {
      const delay = retryDelaySeconds(jittered, 4);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(54);
    }
  });

  it("fixed gives the same delay every attempt, fractions kept", () => {
    const fixed: Backoff = { kind: "fixed", delay: 0.25 };
    expect([1, 2, 10].map((attempt) => retryDelaySeconds(fixed, attempt))).toEqual([0.25, 0.25, 0.25]);
  });

  it("keeps fractional exponential delays and never goes negative", () => {
    expect(retryDelaySeconds({ kind: "exponential", initial: 0.1, factor: 2, max: 1, jitter: false }, 3)).toBeCloseTo(
      0.4,
      9,
    );
    expect(retryDelaySeconds({ kind: "exponential", initial: 0.1, factor: 2, max: 1, jitter: false }, 0)).toBeCloseTo(
      0.1,
      9,
    );
  });
});

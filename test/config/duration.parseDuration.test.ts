/** `--older-than`'s durations (issue 15 §2): seconds out, for a SQL interval, so no 2^31 ms timer limit. */
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/config/duration.js";

describe("issue 15 #2: parseDuration", () => {
  it.each([
    ["90", 90],
    ["1.5", 1.5],
    ["90s", 90],
    ["500ms", 0.5],
    ["30m", 1800],
    ["2h", 7200],
    ["7d", 604_800],
    ["2w", 1_209_600],
    ["1h30m", 5400],
    ["1d12h", 129_600],
    ["25d", 2_160_000],
    ["365d", 31_536_000],
    [" 2h ", 7200],
  ])("issue 15 #2: %j is %d seconds", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["", "h", "2 days", "2x", "-1h", "1h 30m", "2hh", "1e3"])(
    "issue 15 #2: %j is refused, saying what is accepted",
    (text) => {
      expect(() => parseDuration(text)).toThrow(
        /is not a duration: use a number of seconds, or numbers with units ms, s, m, h, d, w/,
      );
    },
  );

  it("issue 15 #2: more than 10^9 seconds (31.7 years, the runtime's limit on an interval) is refused", () => {
    expect(parseDuration("11000d")).toBe(950_400_000);
    expect(() => parseDuration("12000d")).toThrow(/longer than 1000000000 seconds/);
  });
});

/**
 * `archiveRetention` in the config (issue 15 §3): a duration string or a
 * number of seconds, checked with errors that name the file, the queue and
 * the option; read into seconds for the generated definition.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { durationSeconds } from "../../src/config/duration.js";
import { validateConfig } from "../../src/config/validate.js";
import { CompileErrors } from "../../src/errors.js";
import { queueOptions } from "../../src/model/queueOptions.js";

const configFile = path.resolve("/project/pgmq.config.ts");

function messagesOf(archiveRetention: unknown): string[] {
  try {
    validateConfig({ queues: { email: { schema: "email.schema.json", archiveRetention } } }, configFile, {
      displayPath: "pgmq.config.ts",
    });
  } catch (error) {
    expect(error).toBeInstanceOf(CompileErrors);
    return (error as CompileErrors).errors.map((each) => each.message);
  }
  return [];
}

describe("archiveRetention", () => {
  const good: [given: string | number, seconds: number][] = [
    ["90s", 90],
    ["30m", 1800],
    ["12h", 43_200],
    ["7d", 604_800],
    ["2w", 1_209_600],
    ["1.5h", 5400],
    ["1h30m", 5400],
    // Past 2^31 ms (24.8 days): a SQL interval, never a timer.
    ["365d", 31_536_000],
    [3600, 3600],
    [1e9, 1e9],
  ];
  for (const [given, seconds] of good) {
    it(`issue 15 #3: accepts ${JSON.stringify(given)} as ${seconds} seconds, and the definition carries the seconds`, () => {
      expect(messagesOf(given)).toEqual([]);
      expect(durationSeconds(given)).toBe(seconds);
      expect(queueOptions({ schema: "x.json", archiveRetention: given }).archiveRetention).toBe(seconds);
    });
  }

  it("issue 15 #3: left out, the archive is kept forever and the definition has no archiveRetention", () => {
    expect(messagesOf(undefined)).toEqual([]);
    expect("archiveRetention" in queueOptions({ schema: "x.json" })).toBe(false);
  });

  const bad: [given: unknown, fragment: string][] = [
    ["7", "a duration such as"],
    ["7 days", "a duration such as"],
    ["7D", "a duration such as"],
    ["100ms", "at least 1 second"],
    ["1h 30m", "a duration such as"],
    ["-1d", "a duration such as"],
    ["", "a duration such as"],
    [0, "at least 1 second; leave it out to keep archived jobs forever"],
    [0.5, "at least 1 second"],
    ["0s", "at least 1 second"],
    [-60, "a duration such as"],
    [Number.NaN, "a duration such as"],
    [Number.POSITIVE_INFINITY, "a duration such as"],
    [true, "a duration such as"],
    [{ days: 7 }, "a duration such as"],
    [2e9, "at most 1000000000 seconds"],
    ["40000w", "at most 1000000000 seconds"],
  ];
  for (const [given, fragment] of bad) {
    it(`issue 15 #3: refuses ${typeof given === "number" ? String(given) : JSON.stringify(given)}, naming the file, queue and option`, () => {
      const messages = messagesOf(given);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain("pgmq.config.ts");
      expect(messages[0]).toContain('queue "email"');
      expect(messages[0]).toContain("option queues.email.archiveRetention");
      expect(messages[0]).toContain(fragment);
    });
  }

  it("issue 15 #3: a command line's bare number is seconds; a config's string needs its unit", () => {
    expect(durationSeconds("3600", { bareSeconds: true })).toBe(3600);
    expect(durationSeconds("0", { bareSeconds: true })).toBe(0);
    expect(durationSeconds("3600")).toBeNull();
  });
});

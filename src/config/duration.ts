/**
 * Durations as a config or a command line writes them: `"90s"`, `"30m"`,
 * `"12h"`, `"7d"`, `"2w"`, `"500ms"`, `"1h30m"` (numbers with units, largest
 * first or not), or a number of seconds. Read into seconds, which is what
 * generated code, the runtime and SQL intervals carry: a duration is never a
 * timer here, so no 2^31 ms limit applies. The one syntax of
 * `archiveRetention`, `--older-than` (prune, dlq) and `--interval` (status).
 */
import { MAX_DATABASE_SECONDS } from "@pgmq-gen/runtime/contract";

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** One number and its unit, matched where the last one ended (sticky). */
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

const BARE_SECONDS = /^\d+(?:\.\d+)?$/;

/** How a duration may be written, for error messages. */
export const DURATION_RULE = 'a duration such as "90s", "30m", "12h", "7d", "2w" or "1h30m", or a number of seconds';

/**
 * The seconds `value` stands for: a number as it is, a string of numbers
 * with units (ms, s, m, h, d, w) added up; a bare numeric string only when
 * `bareSeconds` (a command line's `--older-than 3600`; a config writes a
 * number). Null for anything else (a sign, spaces, another unit, an
 * infinite number); the caller checks the range.
 */
export function durationSeconds(value: unknown, options: { bareSeconds?: boolean } = {}): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  if (BARE_SECONDS.test(value)) return options.bareSeconds === true ? Number(value) : null;
  let seconds = 0;
  let end = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(value); match !== null; match = PART.exec(value)) {
    seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
    end = PART.lastIndex;
  }
  return end === 0 || end !== value.length || !Number.isFinite(seconds) ? null : seconds;
}

/**
 * A command line's duration in seconds (a bare number is seconds; spaces
 * around it are ignored), at most `MAX_DATABASE_SECONDS`. Throws a
 * RangeError saying what is accepted.
 */
export function parseDuration(text: string): number {
  const seconds = durationSeconds(text.trim(), { bareSeconds: true });
  if (seconds === null) {
    throw new RangeError(
      `"${text}" is not a duration: use a number of seconds, or numbers with units ms, s, m, h, d, w (90s, 30m, 2h, 7d, 1h30m)`,
    );
  }
  if (seconds > MAX_DATABASE_SECONDS)
    throw new RangeError(`"${text}" is longer than ${MAX_DATABASE_SECONDS} seconds (31.7 years)`);
  return seconds;
}

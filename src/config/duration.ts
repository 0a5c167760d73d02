/**
 * Durations as a config or a command line writes them: `"90s"`, `"30m"`,
 * `"12h"`, `"7d"`, `"2w"` (a decimal number and one unit), or a number of
 * seconds. Read into seconds, which is what generated code and the runtime
 * carry: a duration is never a timer here, so no 2^31 ms limit applies.
 */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;

/** How a duration may be written, for error messages. */
export const DURATION_RULE = 'a duration such as "90s", "30m", "12h", "7d" or "2w", or a number of seconds';

/**
 * The seconds `value` stands for: a number as it is, a string of a number
 * and a unit (s, m, h, d, w) multiplied out; a bare numeric string only when
 * `bareSeconds` (a command line's `--older-than 3600`). Null for anything
 * else (negative, not finite, another unit, spaces); the caller checks the
 * range.
 */
export function durationSeconds(value: unknown, options: { bareSeconds?: boolean } = {}): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "string") return null;
  if (options.bareSeconds === true && /^\d+(?:\.\d+)?$/.test(value)) return Number(value);
  const match = DURATION.exec(value);
  if (match === null) return null;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

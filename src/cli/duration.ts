/**
 * Durations as operators type them (`--older-than 7d`): what `pgmq-gen dlq`
 * filters by. Seconds out, for SQL intervals: no timer is set, so any length
 * up to the runtime's limit on a timestamp's interval is fine.
 */
import { MAX_DATABASE_SECONDS } from "@pgmq-gen/runtime/contract";

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Seconds in `text`: a bare number of seconds (`90`, `1.5`), or numbers with
 * units, largest first or not (`30m`, `2h`, `7d`, `2w`, `1h30m`, `500ms`).
 * Throws a RangeError saying what is accepted.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  let seconds: number;
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) seconds = Number(trimmed);
  else {
    seconds = 0;
    PART.lastIndex = 0;
    let end = 0;
    for (let match = PART.exec(trimmed); match !== null; match = PART.exec(trimmed)) {
      seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
      end = PART.lastIndex;
    }
    if (end === 0 || end !== trimmed.length) {
      throw new RangeError(
        `"${text}" is not a duration: use a number of seconds, or numbers with units ms, s, m, h, d, w (90s, 30m, 2h, 7d, 1h30m)`,
      );
    }
  }
  if (seconds > MAX_DATABASE_SECONDS)
    throw new RangeError(`"${text}" is longer than ${MAX_DATABASE_SECONDS} seconds (31.7 years)`);
  return seconds;
}

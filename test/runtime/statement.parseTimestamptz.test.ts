/** The digit-by-digit timestamptz reader agrees with the general one, and with PostgreSQL's own text for the same instant. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseTimestamptz, parseTimestamptzFast } from "../../packages/runtime/src/sql/statement.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";

const db = useTestDatabase("parse_timestamptz");

/** PostgreSQL's ISO text for `epochMs` with a UTC offset of `offsetMinutes`, built by hand. */
function isoText(epochMs: number, fractionDigits: number, offsetSeconds: number): string {
  const local = new Date(epochMs + offsetSeconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const micros = String(local.getUTCMilliseconds() * 1000)
    .padStart(6, "0")
    .slice(0, fractionDigits);
  const sign = offsetSeconds < 0 ? "-" : "+";
  const absolute = Math.abs(offsetSeconds);
  let offset = `${sign}${pad(Math.floor(absolute / 3600))}`;
  if (absolute % 3600 !== 0) offset += `:${pad(Math.floor((absolute % 3600) / 60))}`;
  if (absolute % 60 !== 0) offset += `:${pad(absolute % 60)}`;
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    (fractionDigits > 0 ? `.${micros}` : "") +
    offset
  );
}

describe("parseTimestamptz", () => {
  it("reads what PostgreSQL writes, in several time zones", async () => {
    for (const zone of ["UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "Africa/Monrovia"]) {
      const client = await db.pool.connect();
      try {
        await client.query(`SET TIME ZONE '${zone}'`);
        const { rows } = await client.query<{ text: string; epoch_ms: string }>(
          `SELECT t::text AS text, (extract(epoch FROM t) * 1000)::bigint::text AS epoch_ms
             FROM (VALUES (timestamptz '2026-11-27 21:29:50.415123+00'), (timestamptz '1999-12-31 23:59:59+00'),
                          (timestamptz '1900-01-01 00:00:00+00'), (timestamptz '2038-01-19 03:14:07.5+00')) AS v(t)`,
        );
        for (const row of rows) {
          expect(parseTimestamptzFast(row.text), row.text).not.toBeNull();
          expect(parseTimestamptz(row.text).getTime(), `${zone}: ${row.text}`).toBe(Math.floor(Number(row.epoch_ms)));
        }
      } finally {
        client.release();
      }
    }
  });

  it("agrees with the general parser on generated instants, precisions and offsets", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9998, 11, 31) }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: -15 * 3600, max: 15 * 3600 }),
        (epochMs, fractionDigits, offsetSeconds) => {
          const text = isoText(epochMs, fractionDigits, offsetSeconds);
          const fast = parseTimestamptzFast(text);
          expect(fast, text).not.toBeNull();
          const truncated =
            epochMs -
            (epochMs % 1000) +
            Math.floor((epochMs % 1000) / 10 ** (3 - Math.min(3, fractionDigits))) *
              10 ** (3 - Math.min(3, fractionDigits));
          expect(fast!.getTime(), text).toBe(truncated);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("leaves other shapes to the general parser", () => {
    for (const text of [
      "infinity",
      "-infinity",
      "12345-01-01 00:00:00+00",
      "2024-01-01 00:00:00 BC",
      "2024-01-01T00:00:00Z",
    ]) {
      expect(parseTimestamptzFast(text), text).toBeNull();
    }
  });
});

/**
 * How every statement of the runtime is run: as a named prepared statement
 * with its own type parsers, so results never depend on (and never change)
 * the parsers an application installed globally on the shared `pg` module.
 */
import { createHash } from "node:crypto";
import pg from "pg";

/** Anything that runs a query: the pool, or a client (possibly inside the caller's transaction). */
export type Queryable = pg.Pool | pg.ClientBase;

/** A statement's SQL and the name it is prepared under. */
export interface Statement {
  /**
   * Prepared-statement name: the operation plus a hash of the text, so it is
   * unique per queue and shape and stays under PostgreSQL's 63-byte limit
   * (a longer name would be truncated and could collide).
   */
  readonly name: string;
  readonly text: string;
}

export function statement(operation: string, text: string): Statement {
  const hash = createHash("sha1").update(text).digest("hex").slice(0, 16);
  return { name: `pgmq_gen_${operation}_${hash}`, text };
}

const BOOL = 16;
const INT8 = 20;
const INT2 = 21;
const INT4 = 23;
const JSON_OID = 114;
const JSONB = 3802;
const TIMESTAMPTZ = 1184;
const FLOAT4 = 700;
const FLOAT8 = 701;

/** `2024-05-01 12:34:56.123456+00`, `...+05:30`, `...-03:30:15` (DateStyle ISO, PostgreSQL's default). */
const ISO_TIMESTAMPTZ = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

function parseTimestamptz(text: string): Date {
  const match = ISO_TIMESTAMPTZ.exec(text);
  if (match === null) return new Date(text);
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes, offsetSeconds] = match;
  const milliseconds = fraction === undefined ? 0 : Math.floor(Number(fraction.padEnd(6, "0")) / 1000);
  const offset =
    (sign === "-" ? -1 : 1) *
    (Number(offsetHours) * 3600 + Number(offsetMinutes ?? 0) * 60 + Number(offsetSeconds ?? 0)) *
    1000;
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    milliseconds,
  );
  return new Date(utc - offset);
}

function parseBool(text: string): boolean {
  return text === "t";
}

function identity(text: string): string {
  return text;
}

function getTypeParser(oid: number): (text: string) => unknown {
  switch (oid) {
    case INT8:
      return BigInt;
    case INT2:
    case INT4:
    case FLOAT4:
    case FLOAT8:
      return Number;
    case BOOL:
      return parseBool;
    case JSON_OID:
    case JSONB:
      return JSON.parse;
    case TIMESTAMPTZ:
      return parseTimestamptz;
    default:
      return identity;
  }
}

/**
 * Per-query type parsers: int8 → bigint (message ids beyond 2^53 stay
 * exact), int2/int4/float4/float8 → number, bool → boolean, json/jsonb → parsed value, timestamptz → Date,
 * everything else → text.
 */
export const rowTypes = { getTypeParser } as unknown as pg.CustomTypesConfig;

/** Runs `statement` prepared on `db` with `values`. */
export function runStatement<TRow extends pg.QueryResultRow>(
  db: Queryable,
  statement: Statement,
  values: unknown[],
): Promise<pg.QueryResult<TRow>> {
  return db.query<TRow>({ name: statement.name, text: statement.text, values, types: rowTypes });
}

/** Runs an unprepared statement (DDL and one-off lookups) with the runtime's type parsers. */
export function runOnce<TRow extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<TRow>> {
  return db.query<TRow>({ text, values, types: rowTypes });
}

/** Message ids travel as text and are cast `::bigint[]` in SQL: never through a JS number. */
export function idsParameter(msgIds: readonly bigint[]): string[] {
  return msgIds.map((id) => id.toString());
}

/**
 * How every statement of the runtime is run: as a named prepared statement
 * with its own type parsers, so results never depend on (and never change)
 * the parsers an application installed globally on the shared `pg` module.
 *
 * And with bounded waits: on a pool, the connection is taken within
 * `connectionTimeoutMillis` and the answer awaited at most
 * `statementTimeoutMillis` (`configure`), after which the connection is
 * closed (it may still be busy with the statement) and the call rejects
 * with `DatabaseTimeoutError`. The timeout is the client's (pg's
 * `query_timeout`), not the server's `statement_timeout`: a server or
 * network that stalls sends no answer, so only the client can give up. On a
 * client the caller passes (their transaction, a handler's `ctx.client`)
 * statements are not timed: a timed-out statement would leave the caller's
 * connection busy behind their back. A client the runtime checked out for
 * its own statements (`withRuntimeClient`) is timed like the pool.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { connectClient, describeServer, getStatementTimeoutMillis } from "../connection.js";
import { DatabaseTimeoutError } from "../errors.js";

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
const ISO_TIMESTAMPTZ =
  /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?$/;

/** The number written by `count` ASCII digits at `start`, or -1 if one of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The common shape, `YYYY-MM-DD HH:MM:SS[.f{1,6}]±HH[:MM[:SS]]`, read digit
 * by digit: two of these per message read, and the regular expression's
 * match array and a dozen substrings per call were a visible share of a
 * no-op job's allocations. Anything else (years past 9999, BC, infinity)
 * returns null for the general parser.
 */
function parseTimestamptzFast(text: string): Date | null {
  if (
    text.length < 22 ||
    text[4] !== "-" ||
    text[7] !== "-" ||
    text[10] !== " " ||
    text[13] !== ":" ||
    text[16] !== ":"
  ) {
    return null;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return null;
  let position = 19;
  let milliseconds = 0;
  if (text[position] === ".") {
    position += 1;
    let scale = 100;
    while (position < text.length) {
      const digit = text.charCodeAt(position) - 48;
      if (digit < 0 || digit > 9) break;
      // Microseconds and below are cut, as Date keeps milliseconds.
      milliseconds += digit * scale;
      scale /= 10;
      position += 1;
    }
    milliseconds = Math.floor(milliseconds);
  }
  const sign = text[position];
  if (sign !== "+" && sign !== "-") return null;
  let offsetSeconds = digitsAt(text, position + 1, 2) * 3600;
  position += 3;
  for (const unit of [60, 1]) {
    if (position === text.length) break;
    if (text[position] !== ":") return null;
    const part = digitsAt(text, position + 1, 2);
    if (part < 0) return null;
    offsetSeconds += part * unit;
    position += 3;
  }
  if (position !== text.length || offsetSeconds < 0) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
  return new Date(utc - (sign === "-" ? -1 : 1) * offsetSeconds * 1000);
}

function parseTimestamptz(text: string): Date {
  const fast = parseTimestamptzFast(text);
  if (fast !== null) return fast;
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

/** Exported for tests: the fast path and the general one must agree. */
export { parseTimestamptz, parseTimestamptzFast };

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

/** Clients the runtime checked out for its own statements: timed like the pool (see the top of this file). */
const runtimeClients = new WeakSet<pg.ClientBase>();

function isPool(db: Queryable): db is pg.Pool {
  return db instanceof pg.Pool || typeof (db as unknown as Partial<pg.Pool>).totalCount === "number";
}

/**
 * Runs `work` on a client of `pool` checked out for the runtime's own
 * statements (queue setup): taken within `connectionTimeoutMillis`, each
 * statement on it timed. A client whose work failed is closed, not reused
 * (after a timeout it may still be busy), as pg-pool's `pool.query` does.
 */
export async function withRuntimeClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await connectClient(pool);
  runtimeClients.add(client);
  let failure: Error | undefined;
  try {
    return await work(client);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    runtimeClients.delete(client);
    client.release(failure);
  }
}

/**
 * Runs `work` with every statement the runtime sends on `client` timed like
 * the pool's: for a connection the runtime made itself (a dedicated one,
 * queueSetup.ts), never for a caller's client.
 */
export async function withTimedStatements<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  runtimeClients.add(client);
  try {
    return await work();
  } finally {
    runtimeClients.delete(client);
  }
}

function statementTimeoutError(db: Queryable, label: string, timeoutMs: number, cause: unknown): DatabaseTimeoutError {
  const config =
    (isPool(db) ? db.options : (db as unknown as { connectionParameters?: pg.ClientConfig }).connectionParameters) ??
    {};
  return new DatabaseTimeoutError(
    "statement",
    timeoutMs,
    `pgmq-gen: statement ${label} got no answer within ${timeoutMs} ms from ${describeServer(config as pg.ClientConfig)}: ` +
      "the server or the network stalled, or the statement waited on a lock (a long transaction, a migration). " +
      "Its connection was closed; a write may still have been applied. Check the server (pg_stat_activity) and the " +
      "network; the limit is configure({ statementTimeoutMillis }).",
    { cause },
  );
}

function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === "Query read timeout";
}

/** Runs `query` on `db`, timed when `db` is a pool or a runtime client (see the top of this file). */
async function runQuery<TRow extends pg.QueryResultRow>(
  db: Queryable,
  query: pg.QueryConfig,
  label: string,
): Promise<pg.QueryResult<TRow>> {
  const timeoutMs = getStatementTimeoutMillis();
  if (!isPool(db)) {
    if (!runtimeClients.has(db)) return db.query<TRow>(query);
    try {
      return await db.query<TRow>({ ...query, query_timeout: timeoutMs } as pg.QueryConfig);
    } catch (error) {
      throw isQueryTimeout(error) ? statementTimeoutError(db, label, timeoutMs, error) : error;
    }
  }
  const client = await connectClient(db);
  let result: pg.QueryResult<TRow>;
  try {
    result = await client.query<TRow>({ ...query, query_timeout: timeoutMs } as pg.QueryConfig);
  } catch (error) {
    // As pg-pool's own pool.query: a client whose statement failed is closed, not reused (after a
    // timeout it may still be busy with the statement). A backend killed mid-statement fails the
    // statement; one killed around it is caught by connectClient's listener.
    client.release(error as Error);
    throw isQueryTimeout(error) ? statementTimeoutError(db, label, timeoutMs, error) : error;
  }
  client.release();
  return result;
}

/** Runs `statement` prepared on `db` with `values`. */
export function runStatement<TRow extends pg.QueryResultRow>(
  db: Queryable,
  statement: Statement,
  values: unknown[],
): Promise<pg.QueryResult<TRow>> {
  return runQuery<TRow>(db, { name: statement.name, text: statement.text, values, types: rowTypes }, statement.name);
}

/** Runs an unprepared statement (DDL and one-off lookups) with the runtime's type parsers. */
export function runOnce<TRow extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<TRow>> {
  return runQuery<TRow>(db, { text, values, types: rowTypes }, `"${firstLine(text)}"`);
}

/** The start of a statement's text, to name it in an error. */
function firstLine(text: string): string {
  const line = text.trim().split("\n", 1)[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/**
 * Message ids travel as one array literal (`{1,2,3}`) cast `::bigint[]` in
 * SQL: never through a JS number, and without `pg` quoting and escaping
 * each element of a string array (a bigint's digits need neither).
 */
export function idsParameter(msgIds: readonly bigint[]): string {
  return `{${msgIds.join(",")}}`;
}

/**
 * Connections the runtime opens for one piece of work, outside the pool and
 * its limit: for a caller that holds a client (possibly the pool's last)
 * inside its transaction, where queue setup must not run. Such a connection
 * goes to the database the caller's client is connected to.
 */
import pg from "pg";
import { connectTimeoutError, getStatementTimeoutMillis, isConnectTimeout } from "./connection.js";
import { connectionFailure } from "./connectionFailure.js";
import { DatabaseTimeoutError } from "./errors.js";
import { runOnce, withTimedStatements } from "./sql/statement.js";

/** Connect timeout of a dedicated connection when the pool sets none, in milliseconds. */
const DEDICATED_CONNECT_TIMEOUT_MS = 10_000;

/** What pg made of a client's settings (`client.connectionParameters`); absent on clients that are not pg's. */
type ConnectionParameters = Pick<pg.ClientConfig, "host" | "port" | "database" | "user" | "ssl" | "options"> & {
  password?: pg.ClientConfig["password"] | null;
  application_name?: string;
};

function parametersOf(client: pg.ClientBase): ConnectionParameters | undefined {
  return (client as unknown as { connectionParameters?: ConnectionParameters }).connectionParameters;
}

/** `host:port/database`: two connections with the same one see the same tables. */
function databaseKey(parameters: ConnectionParameters): string {
  return `${parameters.host}:${parameters.port}/${parameters.database}`;
}

// The pool's database, as pg resolves its settings (connection string, environment, defaults); per pool.
const poolDatabases = new WeakMap<pg.Pool, string>();

/**
 * Whether `client` is connected to the pool's database ("pool"), another
 * one ("other"), or cannot tell ("unknown": not a pg client). The pool's
 * own clients answer "pool" (unless its Client class rewrites their settings).
 */
export function databaseOf(pool: pg.Pool, client: pg.ClientBase): "pool" | "other" | "unknown" {
  const parameters = parametersOf(client);
  if (parameters === undefined) return "unknown";
  let poolDatabase = poolDatabases.get(pool);
  if (poolDatabase === undefined) {
    // A client never connected, given only the settings that say where (not a `stream` factory that could connect):
    // pg resolves them as for the pool's own clients (connection string, environment, defaults).
    const { connectionString, host, port, database, user } = pool.options ?? {};
    poolDatabase = databaseKey(parametersOf(new pg.Client({ connectionString, host, port, database, user }))!);
    poolDatabases.set(pool, poolDatabase);
  }
  return databaseKey(parameters) === poolDatabase ? "pool" : "other";
}

/** Whether `client` may be connected to the pool's database: the pool's caches hold for it. */
export function sharesPoolDatabase(pool: pg.Pool, client: pg.ClientBase): boolean {
  return databaseOf(pool, client) !== "other";
}

/** A dedicated connection's settings and client class: the pool's, or those of `elsewhere` (another database's client). */
function dedicatedSettings(pool: pg.Pool, elsewhere: pg.ClientBase | undefined): [typeof pg.Client, pg.ClientConfig] {
  const parameters = elsewhere === undefined ? undefined : parametersOf(elsewhere);
  if (elsewhere !== undefined && parameters !== undefined) {
    const config: pg.ClientConfig = {
      host: parameters.host,
      port: parameters.port,
      database: parameters.database,
      user: parameters.user,
      ssl: parameters.ssl,
      options: parameters.options,
      ...(parameters.application_name ? { application_name: parameters.application_name } : {}),
      connectionTimeoutMillis: pool.options?.connectionTimeoutMillis || DEDICATED_CONNECT_TIMEOUT_MS,
    };
    // pg keeps the password (a string or a function) off the enumerable settings, on the client itself.
    const own = (elsewhere as unknown as { password?: pg.ClientConfig["password"] | null }).password;
    const password = own ?? parameters.password;
    if (password !== undefined && password !== null) config.password = password;
    const Client = elsewhere instanceof pg.Client ? (elsewhere.constructor as typeof pg.Client) : pg.Client;
    return [Client, config];
  }
  const Client = (pool as unknown as { Client?: typeof pg.Client }).Client ?? pg.Client;
  const settings: pg.PoolConfig = pool.options ?? {};
  const config: pg.ClientConfig = {
    ...settings,
    connectionTimeoutMillis: settings.connectionTimeoutMillis || DEDICATED_CONNECT_TIMEOUT_MS,
  };
  // pg-pool keeps the password as a non-enumerable property, which a spread leaves behind.
  if ("password" in settings) config.password = settings.password;
  return [Client, config];
}

const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Runs `work` on a new connection made with the pool's own settings (and
 * its client class), outside the pool and its limit, ended afterwards: for
 * a caller that holds a client of the pool and must not wait on it. Given
 * `elsewhere`, the caller's client, and that client is connected to another
 * database than the pool's, the connection goes to that database.
 * `purpose` names the work in the errors.
 *
 * Every statement on it is timed (`statementTimeoutMillis`), and a lock
 * wait ends sooner with the server's lock timeout: the lock may be held by
 * the caller's own transaction, which waits for this work to end.
 */
export async function withDedicatedConnection<T>(
  pool: pg.Pool,
  purpose: string,
  work: (client: pg.Client) => Promise<T>,
  elsewhere?: pg.ClientBase,
): Promise<T> {
  const other = elsewhere !== undefined && databaseOf(pool, elsewhere) === "other";
  const [Client, config] = dedicatedSettings(pool, other ? elsewhere : undefined);
  const client = new Client(config);
  // A failure surfaces as a rejected connect or query; an 'error' event must not crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (cause) {
    const why =
      `${purpose} needs a connection of its own (the caller's client is in a transaction that must not run DDL, ` +
      "and the pool's connections may all be taken)";
    const avoid = "Create queues beforehand with `pgmq-gen migrate` (or ensureQueues) to avoid this";
    const failure = isConnectTimeout(cause)
      ? connectTimeoutError(config, config.connectionTimeoutMillis ?? 0, cause)
      : connectionFailure(config, cause, `(${why}.) ${avoid}.`);
    if (failure !== cause) {
      if (failure instanceof DatabaseTimeoutError) failure.message += ` (${why}.) ${avoid}.`;
      throw failure;
    }
    throw new Error(`${why}: ${cause instanceof Error ? cause.message : String(cause)}. ${avoid}`, { cause });
  }
  // Below the statement timeout, so a lock wait ends with the server's clear error, not a closed connection.
  const lockTimeoutMs = Math.max(1, Math.floor(getStatementTimeoutMillis() * 0.8));
  try {
    return await withTimedStatements(client, async () => {
      await runOnce(client, "SELECT set_config('lock_timeout', $1, false)", [`${lockTimeoutMs}ms`]);
      return await work(client);
    });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== LOCK_NOT_AVAILABLE) throw error;
    throw new DatabaseTimeoutError(
      "statement",
      lockTimeoutMs,
      `${purpose}: gave up after waiting ${lockTimeoutMs} ms for a lock another transaction holds (a setup running ` +
        "elsewhere, a long transaction on pgmq's tables, or the caller's own transaction if it wrote to them). " +
        "Create queues beforehand with `pgmq-gen migrate` (or ensureQueues) to avoid this; the limit follows " +
        "configure({ statementTimeoutMillis })",
      { cause: error },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

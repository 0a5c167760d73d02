/**
 * The one pool the runtime shares: configured explicitly, or created lazily
 * from `DATABASE_URL`. Producers and workers that are not given a pool use it.
 *
 * Also where the runtime bounds its waits on the database: connections are
 * opened, and taken from a pool, within `connectionTimeoutMillis` (a server
 * that accepts TCP and never answers would otherwise hang a push or a worker
 * start forever), and the room transactional handlers need is made in the
 * runtime's own pool (each holds a connection for its whole job).
 */
import pg from "pg";
import { setTelemetryEnabled } from "./telemetry/otelApi.js";
import { connectionFailure, databaseTarget } from "./connectionFailure.js";
import { CONNECTION_DEFAULTS, DEFAULT_POOL_MAX } from "./defaults.js";
import { DatabaseTimeoutError } from "./errors.js";
import { checkLoggerOption, type Logger } from "./logging/logger.js";

export interface ConfigureOptions {
  /**
   * A pool the application owns. The runtime uses it and never ends it.
   * (Default: a pool created from `connectionString`, else `DATABASE_URL`)
   */
  pool?: pg.Pool;
  /** Connection string of the pool the runtime creates when `pool` is not given. (Default: `DATABASE_URL`) */
  connectionString?: string;
  /**
   * Create missing queues (and their dead-letter queues) on first use. Turn
   * off when the application's role may not run DDL; a missing queue then
   * throws `QueueMissingError` and `pgmq-gen migrate` creates them.
   * (Default: true)
   */
  autoCreate?: boolean;
  /**
   * Milliseconds to wait for a database connection: to open one (the
   * runtime's own pool, and a worker's LISTEN connection) and to get one from
   * a pool whose connections are all busy. Past it the call rejects with
   * `DatabaseTimeoutError`. A pool you pass keeps its own
   * `connectionTimeoutMillis` for opening connections (give it one: without,
   * a server that never answers holds that connection attempt forever); the
   * runtime still stops waiting for it after this long. At most 2147483647.
   * (Default: 10000)
   */
  connectionTimeoutMillis?: number;
  /**
   * Milliseconds the runtime waits for the answer to one of its own
   * statements (reads, acks, pushes, queue creation) run on a pool. Past it
   * the connection is closed and the call rejects with
   * `DatabaseTimeoutError`: a stalled server or network, or a statement
   * waiting on a lock, cannot hang a worker or a push forever. A push that
   * timed out may still have been written (the server can finish a statement
   * after its client gave up), as with any lost connection. Not applied to
   * your handlers' queries, to a transactional handler's transaction, or to
   * statements run on a client you pass (`push(job, { client })`): those
   * connections are yours. Raise it for very large `pushBatch` calls. At most
   * 2147483647. (Default: 30000)
   */
  statementTimeoutMillis?: number;
  /**
   * Where workers log, unless given their own `logger`: any object with
   * pino's and console's `debug/info/warn/error(fields, message)` (pino,
   * console, winston-style wrappers), or `false` for no log at all.
   * (Default: concise lines on stderr, see `createStderrLogger`)
   */
  logger?: Logger | false;
  /**
   * OpenTelemetry tracing of pushes and jobs and a worker's metrics, when
   * `@opentelemetry/api` is installed (docs/operations.md, "Tracing and metrics"). `false`: the
   * package is never imported and nothing is traced or recorded, by
   * producers or workers. (Default: true)
   */
  telemetry?: boolean;
}

/** Listener for errors of idle pool clients (a backend that died, a network drop). */
export type PoolErrorListener = (error: Error, pool: pg.Pool) => void;

let configuredPool: pg.Pool | undefined;
let configuredConnectionString: string | undefined;
let ownedPool: pg.Pool | undefined;
let autoCreate: boolean = CONNECTION_DEFAULTS.autoCreate;
let connectionTimeoutMillis: number = CONNECTION_DEFAULTS.connectionTimeoutMillis;
let statementTimeoutMillis: number = CONNECTION_DEFAULTS.statementTimeoutMillis;
let configuredLogger: Logger | false | undefined;

/**
 * Connections a worker needs besides those its transactional handlers hold:
 * one its fetch loops' reads take turns on, one for acks, heartbeats and
 * handlers' pushes. Each holds a connection for one short statement, so they
 * wait for each other but never deadlock; a pool given to a transactional
 * worker needs at least this many more than its transactional concurrency.
 */
export const SPARE_CONNECTIONS = 2;
/** Connections running workers of this process hold for transactional handlers, per pool. */
const heldForTransactions = new WeakMap<pg.Pool, number>();
const poolErrorListeners = new Set<PoolErrorListener>();
const watchedPools = new WeakSet<pg.Pool>();
let warnedAboutPoolError = false;

/**
 * Sets the pool and options the runtime uses. Call before the first push or
 * worker start; calling again replaces the settings given (a pool the runtime
 * created earlier is ended when a new pool or connection string replaces it).
 */
export function configure(options: ConfigureOptions): void {
  if (options.connectionTimeoutMillis !== undefined) {
    connectionTimeoutMillis = timeoutOption(options.connectionTimeoutMillis, "connectionTimeoutMillis");
  }
  if (options.statementTimeoutMillis !== undefined) {
    statementTimeoutMillis = timeoutOption(options.statementTimeoutMillis, "statementTimeoutMillis");
  }
  if (options.autoCreate !== undefined) autoCreate = booleanOption(options.autoCreate, "autoCreate");
  if (options.telemetry !== undefined) setTelemetryEnabled(booleanOption(options.telemetry, "telemetry"));
  if (options.logger !== undefined) configuredLogger = checkLoggerOption(options.logger, "configure");
  if (options.pool !== undefined || options.connectionString !== undefined) {
    const previous = ownedPool;
    ownedPool = undefined;
    configuredPool = options.pool;
    configuredConnectionString = options.connectionString;
    if (options.pool !== undefined) watchPoolErrors(options.pool);
    if (previous !== undefined) void previous.end().catch(() => {});
  }
}

/** The logger given to `configure()`, if any. */
export function getConfiguredLogger(): Logger | false | undefined {
  return configuredLogger;
}

/** The shared pool; created on first call from the configured connection string or `DATABASE_URL`. */
export function getPool(): pg.Pool {
  if (configuredPool !== undefined) return configuredPool;
  if (ownedPool !== undefined) return ownedPool;
  const connectionString = configuredConnectionString ?? process.env.DATABASE_URL;
  if (connectionString === undefined || connectionString === "") {
    throw new Error(
      "pgmq-gen: no database configured: call configure({ pool }) or configure({ connectionString }), or set DATABASE_URL",
    );
  }
  ownedPool = new pg.Pool({ connectionString, max: DEFAULT_POOL_MAX, connectionTimeoutMillis });
  watchPoolErrors(ownedPool);
  return ownedPool;
}

/**
 * Ends the pool the runtime created (from a connection string or
 * `DATABASE_URL`). A pool given to `configure({ pool })` belongs to the
 * application: it is forgotten, not ended.
 */
export async function closePool(): Promise<void> {
  const pool = ownedPool;
  ownedPool = undefined;
  configuredPool = undefined;
  if (pool !== undefined) await pool.end();
}

/** pg runs these timeouts on Node's timers, which take at most 2^31 - 1 ms. */
function booleanOption(value: boolean, name: string): boolean {
  if (typeof value !== "boolean") {
    // A string quoted; an object named by its type (its toString may throw).
    const shown =
      typeof value === "string" ? JSON.stringify(value) : typeof value === "object" ? "an object" : String(value);
    throw new TypeError(`pgmq-gen configure: ${name} must be true or false, got ${shown}`);
  }
  return value;
}

function timeoutOption(value: number, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 1 || value > 2 ** 31 - 1) {
    throw new RangeError(`pgmq-gen configure: ${name} must be milliseconds from 1 to 2147483647, got ${String(value)}`);
  }
  return value;
}

/** Milliseconds the runtime waits for the answer to one of its own statements (see `ConfigureOptions`). */
export function getStatementTimeoutMillis(): number {
  return statementTimeoutMillis;
}

/** `host:port` of the server `config` points at, for error messages (never the password). */
export function describeServer(config: pg.ClientConfig): string {
  let host = config.host;
  let port = config.port;
  if (config.connectionString !== undefined) {
    try {
      const url = new URL(config.connectionString);
      host ??= decodeURIComponent(url.hostname) || undefined;
      port ??= url.port === "" ? undefined : Number(url.port);
    } catch {
      // Not a URL (a libpq keyword string): fall back to the defaults below.
    }
  }
  return `${host ?? process.env.PGHOST ?? "localhost"}:${port ?? process.env.PGPORT ?? 5432}`;
}

/**
 * A connection settings object for a client of its own (the LISTEN
 * connection) that reaches `pool`'s server, with a connect timeout.
 */
export function clientConfigFor(pool: pg.Pool): pg.ClientConfig {
  const config = pool.options as pg.ClientConfig;
  return { ...config, connectionTimeoutMillis: config.connectionTimeoutMillis || connectionTimeoutMillis };
}

const CONNECT_TIMEOUT_MESSAGES = new Set([
  // pg-pool: every connection busy, none freed in time.
  "timeout exceeded when trying to connect",
  // pg-pool: a new connection's server did not complete the startup in time.
  "Connection terminated due to connection timeout",
  // pg.Client: the same, on a client of its own.
  "timeout expired",
]);

/** Whether `error` is pg's way of saying a connection was not made (or freed) in time. */
export function isConnectTimeout(error: unknown): boolean {
  return error instanceof Error && CONNECT_TIMEOUT_MESSAGES.has(error.message);
}

/** The runtime's error for a connection not made or not freed within `timeoutMs`. */
export function connectTimeoutError(config: pg.PoolConfig, timeoutMs: number, cause: unknown): DatabaseTimeoutError {
  const busy = cause instanceof Error && cause.message === "timeout exceeded when trying to connect";
  const target = busy ? undefined : databaseTarget(config);
  const what =
    target === undefined
      ? `every connection of the pool (max ${config.max}) stayed busy`
      : `the server at ${target.host}:${target.port} (database "${target.database}", user "${target.user}") ` +
        "did not complete the connection";
  return new DatabaseTimeoutError(
    "connect",
    timeoutMs,
    `pgmq-gen: no database connection within ${timeoutMs} ms: ${what}. ` +
      (busy
        ? "Raise the pool's max (or lower the worker's concurrency), or look for connections held by long transactions."
        : "Check that PostgreSQL is up and reachable at that address (host, port, firewall, proxy).") +
      " The limit is configure({ connectionTimeoutMillis }).",
    { cause },
  );
}

/** Clients that carry `ignoreClientError` (added once per client, at its first checkout by the runtime). */
const guardedClients = new WeakSet<pg.ClientBase>();

/**
 * The 'error' listener every client the runtime checks out keeps for good.
 * pg-pool listens on idle clients only: a checked-out client whose backend
 * dies while no statement is under way (between the checkout and the
 * statement, or after its answer and before the release) would emit an
 * unlistened 'error' and crash the process. Ignoring it is safe: a statement
 * under way fails by itself, the next one fails with "not queryable", and
 * pg-pool drops the client at its release. Added in the checkout callback
 * itself, so no event can slip in before it.
 */
function ignoreClientError(): void {}

function guard(client: pg.PoolClient): void {
  if (guardedClients.has(client)) return;
  guardedClients.add(client);
  client.on("error", ignoreClientError);
}

/**
 * A client checked out of `pool`, waited for at most the pool's own
 * `connectionTimeoutMillis`, else the runtime's: a pool whose connections
 * are all held, or a server that never answers, rejects with
 * `DatabaseTimeoutError` instead of hanging; a connection refused or turned
 * away (wrong password, no such database) rejects with
 * `DatabaseConnectionError` (see connectionFailure.ts). A client that arrives after the
 * wait was given up goes straight back to the pool.
 */
export function connectClient(pool: pg.Pool): Promise<pg.PoolClient> {
  const ownLimit = (pool.options as pg.PoolConfig).connectionTimeoutMillis ?? 0;
  const limit = ownLimit > 0 ? ownLimit : connectionTimeoutMillis;
  return new Promise((resolve, reject) => {
    let gaveUp = false;
    // With a limit of its own the pool gives up by itself (and abandons the attempt); ours is the fallback,
    // worded as pg-pool would: a pool at its max with no idle client was exhausted, else the server did not answer.
    const timer =
      ownLimit > 0
        ? null
        : setTimeout(() => {
            gaveUp = true;
            const cause = isPoolExhausted(pool)
              ? new Error("timeout exceeded when trying to connect")
              : new Error("Connection terminated due to connection timeout");
            reject(connectTimeoutError(pool.options, limit, cause));
          }, limit);
    // The callback form: pg-pool calls it in the same turn as it hands the client over (see `guard`).
    pool.connect((error, client, release) => {
      if (timer !== null) clearTimeout(timer);
      if (error !== undefined && error !== null) {
        if (!gaveUp) {
          reject(
            isConnectTimeout(error)
              ? connectTimeoutError(pool.options, limit, error)
              : connectionFailure(pool.options, error),
          );
        }
        return;
      }
      guard(client!);
      if (gaveUp) release();
      else resolve(client!);
    });
  });
}

/**
 * Whether `pool` has no connection to give: every one it may open is open
 * and checked out (pg-pool queues a checkout then). A connection wait that
 * times out on such a pool is exhaustion, not a server that does not answer.
 */
export function isPoolExhausted(pool: pg.Pool): boolean {
  return pool.idleCount === 0 && pool.totalCount >= (pool.options.max ?? DEFAULT_POOL_MAX);
}

/** Connections every running worker of this process holds on `pool` for transactional handlers. */
export function heldConnections(pool: pg.Pool): number {
  return heldForTransactions.get(pool) ?? 0;
}

/**
 * Counts `held` connections that a worker's transactional handlers hold
 * for whole jobs on `pool`, with those of every other running worker on it
 * (`heldConnections`); returns the function that gives them back (at
 * `stop()`). The runtime's own pool grows by them (pg-pool reads
 * `options.max` at each checkout): its `DEFAULT_POOL_MAX` stay for reads,
 * acks, heartbeats, handlers' pushes and the application, so a handler that
 * pushes a follow-up job while holding its transaction always finds one.
 * A pool the application gave is not resized (the worker refuses to start
 * when it has fewer than all workers' held connections plus
 * `SPARE_CONNECTIONS`, saying what to change).
 */
export function holdConnections(pool: pg.Pool, held: number): () => void {
  if (held === 0) return () => {};
  const add = (delta: number): void => {
    const total = (heldForTransactions.get(pool) ?? 0) + delta;
    heldForTransactions.set(pool, total);
    if (pool === ownedPool) pool.options.max = DEFAULT_POOL_MAX + total;
  };
  add(held);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    add(-held);
  };
}

/** Whether missing queues are created on first use (see `ConfigureOptions.autoCreate`). */
export function isAutoCreateEnabled(): boolean {
  return autoCreate;
}

/**
 * Reports idle-client errors of every pool the runtime uses to `listener`
 * instead of the default single `console.warn`. Returns a function that
 * removes the listener.
 */
export function onPoolError(listener: PoolErrorListener): () => void {
  poolErrorListeners.add(listener);
  return () => {
    poolErrorListeners.delete(listener);
  };
}

/**
 * Adds an 'error' listener to `pool` (once per pool): pg emits 'error' when
 * an idle client's connection fails, and an unlistened 'error' event would
 * crash the process. The pool itself discards the broken client. Errors of
 * a pool that is ending are dropped: its connections are being closed.
 */
export function watchPoolErrors(pool: pg.Pool): void {
  if (watchedPools.has(pool)) return;
  watchedPools.add(pool);
  pool.on("error", (error: Error) => {
    // pool.end() resolves before the connections it closes are gone, so a server stopped right after
    // (the example's embedded PostgreSQL) can still send "terminating connection" to one of them:
    // a connection we are closing failing as it closes is not news.
    if (pool.ending) return;
    if (poolErrorListeners.size > 0) {
      for (const listener of poolErrorListeners) listener(error, pool);
      return;
    }
    if (!warnedAboutPoolError) {
      warnedAboutPoolError = true;
      console.warn(
        `pgmq-gen: an idle database connection failed (further such errors are not logged): ${error.message}`,
      );
    }
  });
}

/**
 * The one pool the runtime shares: configured explicitly, or created lazily
 * from `DATABASE_URL`. Producers and workers that are not given a pool use it.
 */
import pg from "pg";

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
}

/** Listener for errors of idle pool clients (a backend that died, a network drop). */
export type PoolErrorListener = (error: Error, pool: pg.Pool) => void;

let configuredPool: pg.Pool | undefined;
let configuredConnectionString: string | undefined;
let ownedPool: pg.Pool | undefined;
let autoCreate = true;
const poolErrorListeners = new Set<PoolErrorListener>();
const watchedPools = new WeakSet<pg.Pool>();
let warnedAboutPoolError = false;

/**
 * Sets the pool and options the runtime uses. Call before the first push or
 * worker start; calling again replaces the settings given (a pool the runtime
 * created earlier is ended when a new pool or connection string replaces it).
 */
export function configure(options: ConfigureOptions): void {
  if (options.autoCreate !== undefined) autoCreate = options.autoCreate;
  if (options.pool !== undefined || options.connectionString !== undefined) {
    const previous = ownedPool;
    ownedPool = undefined;
    configuredPool = options.pool;
    configuredConnectionString = options.connectionString;
    if (options.pool !== undefined) watchPoolErrors(options.pool);
    if (previous !== undefined) void previous.end().catch(() => {});
  }
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
  ownedPool = new pg.Pool({ connectionString });
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
 * crash the process. The pool itself discards the broken client.
 */
export function watchPoolErrors(pool: pg.Pool): void {
  if (watchedPools.has(pool)) return;
  watchedPools.add(pool);
  pool.on("error", (error: Error) => {
    if (poolErrorListeners.size > 0) {
      for (const listener of poolErrorListeners) listener(error, pool);
      return;
    }
    if (!warnedAboutPoolError) {
      warnedAboutPoolError = true;
      console.warn(`pgmq-gen: an idle database connection failed (further such errors are not logged): ${error.message}`);
    }
  });
}

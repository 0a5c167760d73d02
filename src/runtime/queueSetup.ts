/**
 * Creating queues: through PGMQ's own `pgmq.create` where PGMQ is installed
 * (so its functions keep working on them), else PGMQ's layout made here.
 * Safe to run from many processes at once, and idempotent.
 */
import pg from "pg";
import { QueueMissingError } from "./errors.js";
import { deleteMetaSql, dropQueueTablesSql, dropQueueWithPgmqSql } from "./sql/dropQueue.js";
import {
  createNotifyTriggerSql,
  createQueueTablesSql,
  createSharedLayoutSql,
  insertMetaSql,
  setupLockSql,
} from "./sql/queueLayout.js";
import { validateQueueName } from "./sql/queueNames.js";
import { type DatabaseState, readDatabaseState } from "./sql/queueState.js";
import { type Queryable, runOnce, withRuntimeClient } from "./sql/statement.js";

function isPool(db: Queryable): db is pg.Pool {
  return db instanceof pg.Pool || typeof (db as unknown as Partial<pg.Pool>).totalCount === "number";
}

/** Runs `work` on a dedicated client: one checked out of `db` when it is a pool, else `db` itself. */
async function withClient<T>(db: Queryable, work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (!isPool(db)) return work(db);
  // Bounded wait for the connection, and every statement on it timed (sql/statement.ts).
  return withRuntimeClient(db, work);
}

async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await runOnce(client, "BEGIN");
  try {
    const result = await work();
    await runOnce(client, "COMMIT");
    return result;
  } catch (error) {
    await runOnce(client, "ROLLBACK").catch(() => {});
    throw error;
  }
}

function isComplete(state: DatabaseState): boolean {
  for (const queue of state.queues.values()) {
    if (!queue.tablesExist) return false;
    // PGMQ before 1.7 has no notify function: such queues go without a trigger (workers poll).
    if (!queue.notifyTrigger && (state.pgmqNotify || !state.pgmqFunctions)) return false;
  }
  return true;
}

/**
 * Creates every queue in `queues` that does not exist yet, with its archive
 * table, `pgmq.meta` row and insert-notify trigger (channel
 * `pgmq.q_<queue>.INSERT`).
 *
 * - With PGMQ installed (the extension, or its SQL-only install: detected by
 *   `pgmq.create(text)`), queues are made by `pgmq.create` and notifications
 *   enabled with `pgmq.enable_notify_insert` when it exists (1.7+).
 * - Without, the same layout is created here.
 *
 * Runs in its own transaction under an advisory lock, so processes starting
 * together do not trip over each other. When `db` is a client it must not be
 * inside a transaction (this one would commit it).
 */
export async function ensureQueues(db: Queryable, queues: readonly string[]): Promise<void> {
  const names = [...new Set(queues.map(validateQueueName))];
  if (names.length === 0) return;
  await withClient(db, async (client) => {
    // Fast path: everything exists, no lock, no DDL.
    if (isComplete(await readDatabaseState(client, names))) return;
    await inTransaction(client, async () => {
      await runOnce(client, setupLockSql);
      const state = await readDatabaseState(client, names);
      if (state.pgmqFunctions) await createWithPgmq(client, state);
      else await createLayout(client, state);
    });
  });
}

async function createWithPgmq(client: pg.ClientBase, state: DatabaseState): Promise<void> {
  for (const queue of state.queues.values()) {
    // PGMQ's functions are overloaded across versions: cast every argument.
    if (!queue.tablesExist) await runOnce(client, "SELECT pgmq.create($1::text)", [queue.queue]);
    if (state.pgmqNotify && !queue.notifyTrigger) {
      await runOnce(client, "SELECT pgmq.enable_notify_insert($1::text)", [queue.queue]);
    }
  }
}

async function createLayout(client: pg.ClientBase, state: DatabaseState): Promise<void> {
  await runOnce(client, createSharedLayoutSql);
  for (const queue of state.queues.values()) {
    if (!queue.tablesExist) await runOnce(client, createQueueTablesSql(queue.queue));
    await runOnce(client, insertMetaSql, [queue.queue]);
    if (!queue.notifyTrigger) await runOnce(client, createNotifyTriggerSql(queue.queue));
  }
}

/** Whether both tables of `queue` exist. */
export async function queueExists(db: Queryable, queue: string): Promise<boolean> {
  const state = await readDatabaseState(db, [validateQueueName(queue)]);
  return state.queues.get(queue)?.tablesExist ?? false;
}

/**
 * Drops a queue, its archive and its `pgmq.meta` row (through
 * `pgmq.drop_queue` where PGMQ is installed). A missing queue is no error.
 */
export async function dropQueue(db: Queryable, queue: string): Promise<void> {
  validateQueueName(queue);
  await withClient(db, async (client) => {
    const state = await readDatabaseState(client, [queue]);
    if (!state.queues.get(queue)?.tablesExist) return;
    if (state.pgmqFunctions) {
      await runOnce(client, dropQueueWithPgmqSql, [queue]);
      return;
    }
    await inTransaction(client, async () => {
      await runOnce(client, dropQueueTablesSql(queue));
      await runOnce(client, deleteMetaSql, [queue]);
    });
  });
  if (isPool(db)) forgetQueue(db, queue);
}

/** A queue's check in one pool: in flight, or done (`confirmed`: the queue exists). */
interface QueueCheck {
  readonly done: Promise<void>;
  confirmed: boolean;
}

// Queues known to exist, per pool: after the first use the check costs a Map lookup.
const knownQueues = new WeakMap<pg.Pool, Map<string, QueueCheck>>();
// Creations in flight on a dedicated connection, per pool: callers holding clients share one.
const dedicatedCreations = new WeakMap<pg.Pool, Map<string, Promise<void>>>();

function entriesOf<T>(registry: WeakMap<pg.Pool, Map<string, T>>, pool: pg.Pool): Map<string, T> {
  let entries = registry.get(pool);
  if (entries === undefined) {
    entries = new Map();
    registry.set(pool, entries);
  }
  return entries;
}

export interface EnsureQueueOptions {
  /** Create the queue when it is missing; else a missing queue is a `QueueMissingError`. */
  autoCreate: boolean;
  /**
   * The caller's client, possibly inside its open transaction, holding a
   * connection of `pool`. The check runs on it; a missing queue is created
   * on a dedicated connection (never in the caller's transaction, never
   * waiting on the pool). (Default: none: the check runs on the pool)
   */
  client?: pg.ClientBase;
}

/**
 * Makes sure `queue` exists, once per pool: creates it when `autoCreate`,
 * else throws `QueueMissingError` when it is missing. Concurrent callers
 * without a client share one check; a failed check is not cached.
 */
export function ensureQueueOnce(pool: pg.Pool, queue: string, options: EnsureQueueOptions): Promise<void> {
  validateQueueName(queue);
  const queues = entriesOf(knownQueues, pool);
  const known = queues.get(queue);
  if (known !== undefined && (known.confirmed || options.client === undefined)) return known.done;
  // A check on the pool still in flight may be waiting for the very connection this caller holds: check on its client.
  if (options.client !== undefined) return ensureWithClient(pool, queue, options.client, options.autoCreate);
  const check: QueueCheck = {
    done: (async () => {
      if (options.autoCreate) await ensureQueues(pool, [queue]);
      else if (!(await queueExists(pool, queue))) throw new QueueMissingError(queue);
    })(),
    confirmed: false,
  };
  queues.set(queue, check);
  check.done.then(
    () => {
      check.confirmed = true;
    },
    () => {
      if (queues.get(queue) === check) queues.delete(queue);
    },
  );
  return check.done;
}

async function ensureWithClient(pool: pg.Pool, queue: string, client: pg.ClientBase, autoCreate: boolean): Promise<void> {
  // Read-only, so it may run inside the caller's transaction.
  const state = await readDatabaseState(client, [queue]);
  const ready = autoCreate ? isComplete(state) : (state.queues.get(queue)?.tablesExist ?? false);
  if (!ready) {
    if (!autoCreate) throw new QueueMissingError(queue);
    await createOnDedicatedConnection(pool, queue);
  }
  entriesOf(knownQueues, pool).set(queue, { done: Promise.resolve(), confirmed: true });
}

/** Creates `queue` on a connection of its own (shared by concurrent callers). */
function createOnDedicatedConnection(pool: pg.Pool, queue: string): Promise<void> {
  const creations = entriesOf(dedicatedCreations, pool);
  let creation = creations.get(queue);
  if (creation === undefined) {
    creation = withDedicatedConnection(pool, `creating queue "${queue}"`, (client) => ensureQueues(client, [queue]));
    creations.set(queue, creation);
    const clear = () => creations.delete(queue);
    creation.then(clear, clear);
  }
  return creation;
}

/** Connect timeout of a dedicated connection when the pool sets none, in milliseconds. */
const DEDICATED_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Runs `work` on a new connection made with the pool's own settings (and
 * its client class), outside the pool and its limit, ended afterwards: for
 * a caller that holds a client of the pool and must not wait on it.
 * `purpose` names the work in the error when the connection fails.
 */
export async function withDedicatedConnection<T>(
  pool: pg.Pool,
  purpose: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const Client = (pool as unknown as { Client?: typeof pg.Client }).Client ?? pg.Client;
  const settings: pg.PoolConfig = pool.options ?? {};
  const config: pg.ClientConfig = {
    ...settings,
    connectionTimeoutMillis: settings.connectionTimeoutMillis || DEDICATED_CONNECT_TIMEOUT_MS,
  };
  // pg-pool keeps the password as a non-enumerable property, which a spread leaves behind.
  if ("password" in settings) config.password = settings.password;
  const client = new Client(config);
  // A failure surfaces as a rejected connect or query; an 'error' event must not crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (cause) {
    throw new Error(
      `${purpose} needs a connection of its own (the caller's client is in a transaction that must not run DDL, ` +
        `and the pool's connections may all be taken): ${cause instanceof Error ? cause.message : String(cause)}. ` +
        "Create queues beforehand with `pgmq-gen migrate` (or ensureQueues) to avoid this",
      { cause },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Forgets that `queue` exists in `pool` (it was dropped, or a statement found its table missing). */
export function forgetQueue(pool: pg.Pool, queue: string): void {
  knownQueues.get(pool)?.delete(queue);
}

/**
 * Creating queues: through PGMQ's own `pgmq.create` where PGMQ is installed
 * (so its functions keep working on them), else PGMQ's layout made here.
 * Safe to run from many processes at once, and idempotent.
 */
import pg from "pg";
import { databaseOf, withDedicatedConnection } from "./dedicatedConnection.js";
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
import { queueVacuumSettingsSql } from "./sql/queueVacuumSettings.js";
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

/**
 * Whether every queue of `state` is set up. `tablesOnly`: its tables are
 * enough (a push needs no notify trigger; a missing one is the worker's to
 * add, as adding it waits for every transaction that wrote to the queue).
 */
function isComplete(state: DatabaseState, tablesOnly = false): boolean {
  for (const queue of state.queues.values()) {
    if (!queue.tablesExist) return false;
    if (tablesOnly) continue;
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
 * - Either way, the two tables of a queue created here get per-table
 *   autovacuum settings (`queueVacuumSettings.ts`); existing queues keep theirs.
 *
 * Runs in its own transaction under an advisory lock, so processes starting
 * together do not trip over each other. When `db` is a client it must not be
 * inside a transaction (this one would commit it).
 */
export function ensureQueues(db: Queryable, queues: readonly string[]): Promise<void> {
  return createQueues(db, queues, false);
}

/**
 * `ensureQueues`; with `tablesOnly`, an existing queue without its notify
 * trigger is left as it is (see `isComplete`): only queues whose tables this
 * call creates get the trigger, which then waits for nobody.
 */
async function createQueues(db: Queryable, queues: readonly string[], tablesOnly: boolean): Promise<void> {
  const names = [...new Set(queues.map(validateQueueName))];
  if (names.length === 0) return;
  await withClient(db, async (client) => {
    // Fast path: everything exists, no lock, no DDL.
    if (isComplete(await readDatabaseState(client, names), tablesOnly)) return;
    await inTransaction(client, async () => {
      await runOnce(client, setupLockSql);
      const state = await readDatabaseState(client, names);
      if (state.pgmqFunctions) await createWithPgmq(client, state, tablesOnly);
      else await createLayout(client, state, tablesOnly);
    });
  });
}

/** Whether `queue` gets its notify trigger now (see `createQueues`). */
function addsTrigger(queue: { tablesExist: boolean; notifyTrigger: boolean }, tablesOnly: boolean): boolean {
  return !queue.notifyTrigger && (!tablesOnly || !queue.tablesExist);
}

async function createWithPgmq(client: pg.ClientBase, state: DatabaseState, tablesOnly: boolean): Promise<void> {
  for (const queue of state.queues.values()) {
    // PGMQ's functions are overloaded across versions: cast every argument.
    if (!queue.tablesExist) {
      await runOnce(client, "SELECT pgmq.create($1::text)", [queue.queue]);
      await runOnce(client, queueVacuumSettingsSql(queue.queue));
    }
    if (state.pgmqNotify && addsTrigger(queue, tablesOnly)) {
      await runOnce(client, "SELECT pgmq.enable_notify_insert($1::text)", [queue.queue]);
    }
  }
}

async function createLayout(client: pg.ClientBase, state: DatabaseState, tablesOnly: boolean): Promise<void> {
  await runOnce(client, createSharedLayoutSql);
  for (const queue of state.queues.values()) {
    if (!queue.tablesExist) {
      await runOnce(client, createQueueTablesSql(queue.queue));
      await runOnce(client, queueVacuumSettingsSql(queue.queue));
    }
    await runOnce(client, insertMetaSql, [queue.queue]);
    if (addsTrigger(queue, tablesOnly)) await runOnce(client, createNotifyTriggerSql(queue.queue));
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

/**
 * A queue's check in one pool: in flight, or done (`confirmed`: the queue
 * exists). `complete`: its notify trigger was seen to too (or autoCreate
 * was off, which adds nothing), so a worker's check is done as well.
 */
interface QueueCheck {
  readonly done: Promise<void>;
  confirmed: boolean;
  readonly complete: boolean;
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
  /**
   * The queue's tables are enough: what pushes and reads need. Else its
   * insert-notify trigger is added too when missing, which waits for every
   * transaction that wrote to the queue: what a worker's start needs.
   * (Default: false)
   */
  tablesOnly?: boolean;
}

/**
 * Makes sure `queue` exists, once per pool: creates it when `autoCreate`,
 * else throws `QueueMissingError` when it is missing. Concurrent callers
 * without a client share one check; a failed check is not cached. A client
 * connected to another database than the pool's is checked every time,
 * and a missing queue created in its database.
 */
export function ensureQueueOnce(pool: pg.Pool, queue: string, options: EnsureQueueOptions): Promise<void> {
  validateQueueName(queue);
  const tablesOnly = options.tablesOnly === true;
  const client = options.client;
  if (client !== undefined && databaseOf(pool, client) === "other") {
    return ensureWithClient(pool, queue, client, options.autoCreate, tablesOnly);
  }
  const queues = entriesOf(knownQueues, pool);
  const known = queues.get(queue);
  if (known !== undefined && (tablesOnly || known.complete) && (known.confirmed || client === undefined)) {
    return known.done;
  }
  // A check on the pool still in flight may be waiting for the very connection this caller holds: check on its client.
  if (client !== undefined) return ensureWithClient(pool, queue, client, options.autoCreate, tablesOnly);
  const check: QueueCheck = {
    done: (async () => {
      if (options.autoCreate) await createQueues(pool, [queue], tablesOnly);
      else if (!(await queueExists(pool, queue))) throw new QueueMissingError(queue);
    })(),
    confirmed: false,
    complete: !options.autoCreate || !tablesOnly,
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

async function ensureWithClient(
  pool: pg.Pool,
  queue: string,
  client: pg.ClientBase,
  autoCreate: boolean,
  tablesOnly: boolean,
): Promise<void> {
  const database = databaseOf(pool, client);
  // Read-only, so it may run inside the caller's transaction.
  const state = await readDatabaseState(client, [queue]);
  const ready = autoCreate ? isComplete(state, tablesOnly) : (state.queues.get(queue)?.tablesExist ?? false);
  if (!ready) {
    if (!autoCreate) throw new QueueMissingError(queue);
    if (database === "unknown" && !(state.queues.get(queue)?.tablesExist ?? false)) {
      throw new QueueMissingError(queue, {
        where: "the database of the client given to push",
        reason:
          "cannot be created from here: that client has no connectionParameters, so no connection of its own to " +
          "its database can be made (creation must not run in the caller's transaction)",
      });
    }
    await createOnDedicatedConnection(pool, queue, database === "other" ? client : undefined, tablesOnly);
  }
  // What exists in another database says nothing of the pool's.
  if (database !== "other") {
    const complete = !autoCreate || !tablesOnly;
    entriesOf(knownQueues, pool).set(queue, { done: Promise.resolve(), confirmed: true, complete });
  }
}

/**
 * Creates `queue` on a connection of its own, in the pool's database or,
 * given `elsewhere` (a client of another database), in that client's.
 * Concurrent callers in the pool's database share one creation.
 */
function createOnDedicatedConnection(
  pool: pg.Pool,
  queue: string,
  elsewhere: pg.ClientBase | undefined,
  tablesOnly: boolean,
): Promise<void> {
  const create = () =>
    withDedicatedConnection(
      pool,
      `creating queue "${queue}"`,
      (client) => createQueues(client, [queue], tablesOnly),
      elsewhere,
    );
  if (elsewhere !== undefined) return create();
  const creations = entriesOf(dedicatedCreations, pool);
  let creation = creations.get(queue);
  if (creation === undefined) {
    creation = create();
    creations.set(queue, creation);
    const clear = () => creations.delete(queue);
    creation.then(clear, clear);
  }
  return creation;
}

/** Forgets that `queue` exists in `pool` (it was dropped, or a statement found its table missing). */
export function forgetQueue(pool: pg.Pool, queue: string): void {
  knownQueues.get(pool)?.delete(queue);
}

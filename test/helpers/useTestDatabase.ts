/**
 * The test file's database, set up and torn down by vitest hooks this module
 * registers itself, so a file says what it needs in one line.
 *
 * Each file gets a database of its own (not a schema, not a shared one): vitest
 * runs files in parallel processes, and a file's queues, pool and killed
 * backends must never reach another file. At the end the file's workers are
 * stopped first, then its extra pools ended, and only then is the database
 * dropped: a worker still reading, acking or heartbeating while `DROP DATABASE
 * ... WITH (FORCE)` kills its backends would report errors, or hang its
 * `stop()`, after the file's tests have passed.
 *
 * Kept apart from database.ts, which the soak script (no vitest) also uses.
 */
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import type { Worker } from "../../packages/runtime/src/types.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface TestDatabaseFixture {
  /** Name of the database, e.g. `pgmq_gen_t_worker_ack_3f9a2c`. */
  readonly name: string;
  /** Connection string of the test database. */
  readonly url: string;
  /** The file's pool on the test database (max 10, idle errors ignored). */
  readonly pool: pg.Pool;
  /** A `PgmqClient` on `pool`, made at first use (it watches the pool's errors). */
  readonly pgmq: PgmqClient;
  /** Has `worker` stopped in `afterAll`, before the database is dropped; returns it. */
  track<W extends Worker>(worker: W): W;
  /**
   * Opens another pool on the test database, ended in `afterAll` after the
   * tracked workers stop and before the drop. No `error` listener is added:
   * `config` (and the caller) decide everything but the connection string.
   */
  openPool(config?: Omit<pg.PoolConfig, "connectionString">): pg.Pool;
}

/**
 * Creates a database named after `label` in `beforeAll` and drops it in
 * `afterAll`; the returned fixture's properties are usable from that
 * `beforeAll` on (in tests and in hooks registered after this call).
 *
 * A file's own `afterAll`, registered after this call, runs before this
 * teardown (vitest's `sequence.hooks: "stack"`, set in vitest.config.ts):
 * the place for what must happen while the workers still run (kill child
 * processes, restore settings) or that needs the database still there.
 */
export function useTestDatabase(label: string): TestDatabaseFixture {
  let database: TestDatabase | undefined;
  let pgmq: PgmqClient | undefined;
  const workers: Worker[] = [];
  const pools: pg.Pool[] = [];

  const created = (): TestDatabase => {
    if (database === undefined) {
      throw new Error(
        `useTestDatabase("${label}"): the database exists only from the file's beforeAll on; use it inside tests and hooks`,
      );
    }
    return database;
  };

  beforeAll(async () => {
    database = await createTestDatabase(label);
  });

  afterAll(async () => {
    try {
      await Promise.all(workers.map((worker) => worker.stop()));
      await Promise.all(pools.map((pool) => pool.end()));
    } finally {
      await database?.drop();
    }
  });

  return {
    get name() {
      return created().name;
    },
    get url() {
      return created().url;
    },
    get pool() {
      return created().pool;
    },
    get pgmq() {
      pgmq ??= new PgmqClient(created().pool);
      return pgmq;
    },
    track(worker) {
      workers.push(worker);
      return worker;
    },
    openPool(config = {}) {
      const pool = new pg.Pool({ ...config, connectionString: created().url });
      pools.push(pool);
      return pool;
    },
  };
}

/**
 * `push({ client })` to a queue that does not exist yet, while the shared
 * pool has no free connection: the caller's client is the only one it may
 * use, and queue creation must not wait for a pool connection the caller
 * itself holds.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { pgmqClientFor } from "../../packages/runtime/src/pgmq.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import { ensureQueues } from "../../packages/runtime/src/queueSetup.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { type EmailJob, emailDefinition, queueRows, tableExists } from "./support.js";

const db = useTestDatabase("producer_push_client");

const valid: EmailJob = { to: "a@example.com", subject: "hello" };

/** `promise`, or a rejection naming what hung after `ms`: a regression fails instead of hanging. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function poolOf(max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: db.url, max });
  pool.on("error", () => {});
  return pool;
}

describe("createProducer: push({ client }) with no free pool connection", () => {
  it("round two #9: a max:1 pool whose one connection is in the caller's transaction: push to a fresh queue completes", async () => {
    const pool = poolOf(1);
    configure({ pool });
    try {
      const definition = emailDefinition("fresh_max_one");
      const producer = createProducer({
        ...definition,
        options: { ...definition.options, deadLetter: "fresh_max_one_dead" },
      });
      const client = await pool.connect();
      let id: bigint;
      try {
        await client.query("BEGIN");
        id = await within(10_000, "push({ client })", producer.push(valid, { client }));
        const [batchId] = await within(10_000, "pushBatch({ client })", producer.pushBatch([valid], { client }));
        expect(batchId).toBeGreaterThan(id);
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      expect((await queueRows(db.pool, "fresh_max_one")).map((row) => row.msg_id)[0]).toBe(id);
      expect(await tableExists(db.pool, "pgmq.q_fresh_max_one_dead")).toBe(true);
      // And without a client, on the same pool, once the caller let go.
      await within(10_000, "push()", producer.push(valid));
      expect(await queueRows(db.pool, "fresh_max_one")).toHaveLength(3);
    } finally {
      await pool.end();
    }
  });

  it("round two #9: ten open transactions on a max-10 pool, each pushing to a fresh queue, all complete", async () => {
    const pool = poolOf(10);
    configure({ pool });
    try {
      const clients = await Promise.all(Array.from({ length: 10 }, () => pool.connect()));
      try {
        await Promise.all(clients.map((client) => client.query("BEGIN")));
        const producers = Array.from({ length: 10 }, (_, index) =>
          createProducer(emailDefinition(`fresh_ten_${index % 3}`)),
        );
        const pushes = clients.map((client, index) => producers[index]!.push(valid, { client }));
        await within(15_000, "ten push({ client })", Promise.all(pushes));
        // A rolled-back caller loses its job, never the queue.
        await clients[0]!.query("ROLLBACK");
        await Promise.all(clients.slice(1).map((client) => client.query("COMMIT")));
      } finally {
        for (const client of clients) client.release();
      }
      const counts = await Promise.all(
        [0, 1, 2].map(async (index) => (await queueRows(db.pool, `fresh_ten_${index}`)).length),
      );
      expect(counts).toEqual([3, 3, 3]);
    } finally {
      await pool.end();
    }
  });

  it("round two #9: a REPEATABLE READ caller whose snapshot predates the queue still pushes to it", async () => {
    const pool = poolOf(1);
    configure({ pool });
    try {
      const producer = createProducer(emailDefinition("fresh_repeatable_read"));
      const client = await pool.connect();
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
        await client.query("SELECT 1");
        await within(10_000, "push({ client })", producer.push(valid, { client }));
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      expect(await queueRows(db.pool, "fresh_repeatable_read")).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it("round two #9: the queue is created on a connection made from the pool's own settings and client class, then closed", async () => {
    const configs: pg.ClientConfig[] = [];
    const ended: boolean[] = [];
    class RecordingClient extends pg.Client {
      constructor(config?: pg.ClientConfig) {
        super(config);
        const index = configs.push(config ?? {}) - 1;
        ended[index] = false;
        this.once("end", () => {
          ended[index] = true;
        });
      }
    }
    // The server trusts local connections, so the password is only carried, never checked.
    const pool = new pg.Pool({ connectionString: db.url, max: 1, password: "kept", Client: RecordingClient });
    pool.on("error", () => {});
    configure({ pool });
    try {
      const producer = createProducer(emailDefinition("fresh_own_settings"));
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await within(10_000, "push({ client })", producer.push(valid, { client }));
        await client.query("COMMIT");
      } finally {
        client.release();
      }
      // The pool's one client, and the dedicated one: same class, same password, a connect timeout.
      expect(configs).toHaveLength(2);
      expect(configs[1]!.password).toBe("kept");
      expect(configs[1]!.connectionTimeoutMillis).toBeGreaterThan(0);
      // The dedicated connection is closed once the queue exists; the pool's stays.
      expect(ended).toEqual([false, true]);
    } finally {
      await pool.end();
    }
  });

  it("round two #9: when the dedicated connection cannot be made, the push fails at once saying what to do", async () => {
    const closedPort = new URL(db.url);
    closedPort.port = "1";
    let made = 0;
    class RefusingClient extends pg.Client {
      constructor(config?: pg.ClientConfig) {
        made += 1;
        // The pool's own connection works; the one made for queue creation finds nobody listening.
        super(made > 1 ? { ...config, connectionString: closedPort.toString() } : config);
      }
    }
    const pool = new pg.Pool({ connectionString: db.url, max: 1, Client: RefusingClient });
    pool.on("error", () => {});
    configure({ pool });
    try {
      const producer = createProducer(emailDefinition("fresh_refused"));
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const push = within(10_000, "push({ client })", producer.push(valid, { client }));
        await expect(push).rejects.toThrow(
          /cannot connect to PostgreSQL at .*connection refused.*creating queue "fresh_refused" needs a connection of its own .*pgmq-gen migrate/,
        );
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });

  it("round two #9: with autoCreate off, a missing queue is a QueueMissingError at once, not a wait on the pool", async () => {
    const pool = poolOf(1);
    configure({ pool, autoCreate: false });
    try {
      const producer = createProducer(emailDefinition("fresh_not_migrated"));
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const push = within(10_000, "push({ client })", producer.push(valid, { client }));
        await expect(push).rejects.toBeInstanceOf(QueueMissingError);
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
      expect(await tableExists(db.pool, "pgmq.q_fresh_not_migrated")).toBe(false);
    } finally {
      configure({ autoCreate: true });
      await pool.end();
    }
  });
});

async function hasNotifyTrigger(pool: pg.Pool, queue: string): Promise<boolean> {
  const { rows } = await pool.query(
    "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = 'trigger_notify_queue_insert_listeners'",
    [`pgmq.q_${queue}`],
  );
  return rows.length > 0;
}

describe("createProducer: push({ client }) never waits without bound on queue setup", () => {
  it("round two (hostile) #3: a queue without its notify trigger, written by the caller's transaction: push({ client }) completes and adds no trigger", async () => {
    await ensureQueues(db.pool, ["no_trigger"]);
    await db.pool.query("DROP TRIGGER trigger_notify_queue_insert_listeners ON pgmq.q_no_trigger");
    const pool = poolOf(2);
    configure({ pool, statementTimeoutMillis: 8_000 });
    try {
      const producer = createProducer(emailDefinition("no_trigger"));
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // The caller's own write takes a lock CREATE TRIGGER would wait for, until this transaction ends.
        await client.query("DELETE FROM pgmq.q_no_trigger WHERE msg_id = -1");
        const push = within(6_000, "push({ client })", producer.push(valid, { client }));
        await expect(push).resolves.toBeTypeOf("bigint");
        await within(6_000, "pushBatch({ client })", producer.pushBatch([valid], { client }));
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
      expect(await queueRows(db.pool, "no_trigger")).toHaveLength(2);
      // A push without a client on the same pool does not add it either; a worker's start (its ensureQueue) does.
      await within(6_000, "push()", producer.push(valid));
      expect(await hasNotifyTrigger(db.pool, "no_trigger")).toBe(false);
      await within(6_000, "worker start's ensureQueue", pgmqClientFor(pool).ensureQueue("no_trigger"));
      expect(await hasNotifyTrigger(db.pool, "no_trigger")).toBe(true);
    } finally {
      configure({ statementTimeoutMillis: 30_000 });
      await pool.end();
    }
  });

  it("round two (hostile) #3: queue creation on the dedicated connection waiting on a lock fails within the statement timeout, saying so", async () => {
    const pool = poolOf(1);
    configure({ pool, statementTimeoutMillis: 1_500 });
    // Another session holds the setup lock in a long transaction.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(hashtext('pgmq-gen.ensure_queues'))");
      const producer = createProducer(emailDefinition("fresh_locked"));
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const started = Date.now();
        const push = within(6_000, "push({ client })", producer.push(valid, { client }));
        await expect(push).rejects.toThrow(/creating queue "fresh_locked".*lock.*pgmq-gen migrate/s);
        expect(Date.now() - started).toBeLessThan(4_000);
        // The caller's transaction is untouched.
        await expect(client.query("SELECT 1")).resolves.toBeDefined();
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.end();
      configure({ statementTimeoutMillis: 30_000 });
      await pool.end();
    }
  });
});

describe("createProducer: push({ client }) with a client of another database", () => {
  let other: TestDatabase;
  beforeAll(async () => {
    other = await createTestDatabase("producer_push_client_other");
  });
  afterAll(async () => {
    await other.drop();
  });

  async function clientOfOther(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: other.url });
    await client.connect();
    return client;
  }

  it("round two (hostile) #8: the missing queue is created in the client's database, not the pool's, and the push lands there", async () => {
    const pool = poolOf(1);
    configure({ pool });
    try {
      const producer = createProducer(emailDefinition("elsewhere"));
      const client = await clientOfOther();
      try {
        await client.query("BEGIN");
        await within(10_000, "push({ client of B })", producer.push(valid, { client }));
        await client.query("COMMIT");
      } finally {
        await client.end();
      }
      expect(await queueRows(other.pool, "elsewhere")).toHaveLength(1);
      expect(await tableExists(db.pool, "pgmq.q_elsewhere")).toBe(false);
      // The pool's database still lacks it: a push without a client creates it there.
      await within(10_000, "push()", producer.push(valid));
      expect(await queueRows(db.pool, "elsewhere")).toHaveLength(1);
      expect(await queueRows(other.pool, "elsewhere")).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it("round two (hostile) #8: a queue known in the pool's database is still created in the client's database when missing there", async () => {
    const pool = poolOf(1);
    configure({ pool });
    try {
      const producer = createProducer(emailDefinition("known_here"));
      await producer.push(valid);
      const client = await clientOfOther();
      try {
        await within(10_000, "push({ client of B })", producer.push(valid, { client }));
        await within(10_000, "pushBatch({ client of B })", producer.pushBatch([valid], { client }));
      } finally {
        await client.end();
      }
      expect(await queueRows(other.pool, "known_here")).toHaveLength(2);
      expect(await queueRows(db.pool, "known_here")).toHaveLength(1);
    } finally {
      await pool.end();
    }
  });

  it("round two (hostile) #8: a client whose connection settings cannot be read gets a clear error naming the queue and pgmq-gen migrate", async () => {
    const pool = poolOf(1);
    configure({ pool });
    try {
      const producer = createProducer(emailDefinition("opaque_client"));
      const real = await clientOfOther();
      try {
        // A wrapper that runs queries but says nothing of where it is connected.
        const opaque = { query: real.query.bind(real) } as unknown as pg.ClientBase;
        const push = within(10_000, "push({ opaque client })", producer.push(valid, { client: opaque }));
        await expect(push).rejects.toThrow(
          /queue "opaque_client" does not exist in the database of the client.*pgmq-gen migrate/s,
        );
      } finally {
        await real.end();
      }
      expect(await tableExists(db.pool, "pgmq.q_opaque_client")).toBe(false);
    } finally {
      await pool.end();
    }
  });
});

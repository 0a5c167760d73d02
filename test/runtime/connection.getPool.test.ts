import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closePool, configure, getPool, onPoolError } from "../../packages/runtime/src/connection.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";

const db = useTestDatabase("connection_getPool");
const savedUrl = process.env.DATABASE_URL;
afterAll(async () => {
  process.env.DATABASE_URL = savedUrl;
  await closePool();
});

describe("getPool", () => {
  it("says how to configure a database when there is none", async () => {
    delete process.env.DATABASE_URL;
    await closePool();
    expect(() => getPool()).toThrow(/configure\(\{ pool \}\).*DATABASE_URL/);
  });

  it("creates one shared pool from DATABASE_URL, lazily", async () => {
    process.env.DATABASE_URL = db.url;
    const pool = getPool();
    expect(getPool()).toBe(pool);
    const { rows } = await pool.query("SELECT current_database() AS name");
    expect(rows[0].name).toBe(db.name);
    await closePool();
    expect(pool.ending).toBe(true);
    expect(getPool()).not.toBe(pool);
    await closePool();
  });

  it("uses a configured pool and leaves it open on closePool", async () => {
    const own = new pg.Pool({ connectionString: db.url, max: 2 });
    try {
      configure({ pool: own });
      expect(getPool()).toBe(own);
      await closePool();
      expect(own.ending).toBe(false);
      const { rows } = await own.query("SELECT 1 AS one");
      expect(rows[0].one).toBe(1);
    } finally {
      await own.end();
    }
  });

  it("reports an idle client's failure to onPoolError instead of crashing", async () => {
    configure({ connectionString: db.url });
    const pool = getPool();
    const errors: Error[] = [];
    const stop = onPoolError((error) => errors.push(error));
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      client.release();
      const failed = new Promise<void>((resolve) => pool.once("error", () => resolve()));
      await db.pool.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
      await failed;
      expect(errors).toHaveLength(1);
      const after = await pool.query("SELECT 2 AS two");
      expect(after.rows[0].two).toBe(2);
    } finally {
      stop();
      await closePool();
    }
  });

  it("issue 13: an idle connection failing while its pool ends (a server stopped right after closePool) is not reported", async () => {
    configure({ connectionString: db.url });
    const pool = getPool();
    const errors: Error[] = [];
    const stop = onPoolError((error) => errors.push(error));
    try {
      await pool.query("SELECT 1");
      await closePool();
      expect(pool.ending).toBe(true);
      // What pg emits when the server terminates a connection the ending pool has not finished closing.
      pool.emit("error", new Error("terminating connection due to administrator command"));
      expect(errors).toEqual([]);
    } finally {
      stop();
    }
  });
});

/**
 * Each test file gets its own freshly created database on the real server, so
 * files run in parallel without seeing each other's queues.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests talk to. (Default: postgres://postgres@127.0.0.1:5432/postgres) */
export const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  /** Name of the database, e.g. `pgmq_gen_t_worker_ack_3f9a2c`. */
  readonly name: string;
  /** Connection string of the test database. */
  readonly url: string;
  /** A pool on the test database (closed by `drop`). */
  readonly pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a database named after `label` plus a random suffix.
 * Call `drop()` in `afterAll`. A test file's own database comes from
 * `useTestDatabase` (useTestDatabase.ts); call this directly for a second
 * one, or outside vitest (the soak script).
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 30);
  const name = `pgmq_gen_t_${slug}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A test that kills backends on purpose must not crash the runner.
  pool.on("error", () => {});
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

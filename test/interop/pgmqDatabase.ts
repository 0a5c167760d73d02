/**
 * The databases the interop suite runs in: one per test file and PGMQ
 * version, created fresh with PGMQ's SQL-only install (installPgmqSql.ts),
 * dropped afterwards unless `INTEROP_KEEP_DATABASES=1`.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { closePool } from "../../packages/runtime/src/index.js";
import { compareVersions, findPgmqVersions, installPgmqSql, pgmqSqlDir, type PgmqVersion } from "./installPgmqSql.js";

/** The admin connection: test/globalSetup.ts has set DATABASE_URL to the server it chose. */
const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const keepDatabases = process.env.INTEROP_KEEP_DATABASES === "1";

/** The PGMQ versions under `PGMQ_SQL_DIR`, oldest first; none is an error that says where to get them. */
export function pgmqVersions(): PgmqVersion[] {
  const versions = findPgmqVersions(pgmqSqlDir);
  if (versions.length === 0) {
    throw new Error(
      `interop: no PGMQ versions under ${pgmqSqlDir} (expected <dir>/<version>/pgmq.sql); see test/interop/README.md`,
    );
  }
  return versions;
}

/** True when `version` is at least `minimum` ("1.10.0"). */
export function isAtLeast(version: PgmqVersion, minimum: string): boolean {
  return compareVersions(version.version, minimum) >= 0;
}

export interface Database {
  readonly name: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty database named `interop_<label>_<random>`. */
export async function createDatabase(label: string): Promise<Database> {
  const name = `interop_${label.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 });
  pool.on("error", () => {});
  return {
    name,
    pool,
    async drop() {
      await pool.end();
      if (!keepDatabases) await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}

/**
 * Inside a describe: a database with PGMQ `version` installed, made before its
 * tests and dropped after them. A failing install fails every test of the describe.
 */
export function usePgmqDatabase(version: PgmqVersion): () => pg.Pool {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await createDatabase(version.version);
    await installPgmqSql(database.pool, version);
  });
  afterAll(async () => {
    await closePool();
    await database?.drop();
  });
  return () => {
    if (database === undefined) throw new Error(`no database for PGMQ ${version.version}: its setup failed`);
    return database.pool;
  };
}

/** True when PGMQ defines the function `signature` ("pgmq.send(text,jsonb,jsonb)"). */
export async function hasFunction(pool: pg.Pool, signature: string): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>("SELECT to_regprocedure($1) IS NOT NULL AS ok", [signature]);
  return rows[0]!.ok;
}

/** The `n` column of a `SELECT count(*) AS n …`. */
export async function count(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, values);
  return Number(rows[0]!.n);
}

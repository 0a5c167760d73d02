/**
 * PGMQ's SQL installed "SQL-only", without `CREATE EXTENSION`: the procedure
 * the interop suite (test/interop/*.test.ts) and the depth bench
 * (bench/depth/) share. PGMQ's scripts live outside this repository, one
 * folder per version under a directory (default /tmp/pgmq-versions), each
 * with that version's `pgmq.sql`; test/interop/README.md says where to get them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type pg from "pg";

/** Where the scripts are looked for. (Default: /tmp/pgmq-versions, or `PGMQ_SQL_DIR`) */
export const pgmqSqlDir = process.env.PGMQ_SQL_DIR ?? "/tmp/pgmq-versions";

export interface PgmqVersion {
  readonly version: string;
  /** Absolute path of that version's `pgmq.sql`. */
  readonly file: string;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The versions under `dir` (folders named like `1.5.1` holding a `pgmq.sql`), oldest first. */
export function findPgmqVersions(dir: string = pgmqSqlDir): PgmqVersion[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^\d+\.\d+(\.\d+)?$/.test(name))
    .map((name) => ({ version: name, file: path.join(dir, name, "pgmq.sql") }))
    .filter((entry) => existsSync(entry.file) && statSync(entry.file).isFile())
    .sort((a, b) => compareVersions(a.version, b.version));
}

/**
 * PGMQ's install script as it runs outside `CREATE EXTENSION`: `@extschema@`
 * is pgmq, psql meta-commands are dropped, and `pg_extension_config_dump`
 * (which only works inside an extension script) becomes a no-op.
 */
function sqlOnlyInstallScript(file: string): string {
  return readFileSync(file, "utf8")
    .replace(/^\\.*$/gm, "")
    .replace(/@extschema@/g, "pgmq")
    .replace(/(pg_catalog\.)?pg_extension_config_dump\s*\(/g, "pg_temp.pgmq_interop_config_dump(");
}

const configDumpStub = `CREATE FUNCTION pg_temp.pgmq_interop_config_dump(regclass, text) RETURNS void LANGUAGE sql AS 'SELECT NULL::void'`;

/**
 * Installs `version` into the pool's database. The connection is discarded
 * afterwards: it holds the pg_temp stub.
 */
export async function installPgmqSql(pool: pg.Pool, version: PgmqVersion): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(configDumpStub);
    await client.query("SET client_min_messages = warning");
    await client.query(sqlOnlyInstallScript(version.file));
  } finally {
    client.release(true);
  }
}

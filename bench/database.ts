/**
 * A fresh database per system, workload and repetition, so no run inherits
 * another's tables, bloat or caches; dropped right after.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server to benchmark. (Default: postgres://postgres@127.0.0.1:5432/postgres) */
export const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 24);
}

/** Creates `bench_<system>_<workload>_<rand>`. */
export async function createBenchDatabase(system: string, workload: string): Promise<BenchDatabase> {
  const name = `bench_${slug(system)}_${slug(workload)}_${randomBytes(3).toString("hex")}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdmin(async (client) => {
        // Give closed pools' backends a moment to exit, so FORCE only ends what a system leaked.
        for (let i = 0; i < 40; i++) {
          const { rows } = await client.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1",
            [name],
          );
          if (Number(rows[0]?.n ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      }),
  };
}

/**
 * Drops databases left by an interrupted run (`bench_%`). Without FORCE: a
 * database with connections belongs to a bench still running elsewhere on
 * this server, and stays.
 */
export async function dropLeftoverDatabases(): Promise<number> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'",
    );
    let dropped = 0;
    for (const { datname } of rows) {
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)}`);
        dropped++;
      } catch {
        // in use: another bench's
      }
    }
    return dropped;
  });
}

export async function serverVersion(): Promise<string> {
  return withAdmin(async (client) => {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return rows[0]?.server_version ?? "unknown";
  });
}

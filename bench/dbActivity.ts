/**
 * Work a system asks of PostgreSQL, read from `pg_stat_database`: committed
 * transactions (one per autocommit statement or explicit transaction, so
 * about one per round trip) and rows written. Read between sessions, once
 * every backend of the system has exited and so flushed its counters.
 * pg_stat_statements would say more, but needs `shared_preload_libraries`,
 * a server setting the bench does not change.
 */
import pg from "pg";

export interface DbActivity {
  transactions: number;
  rowsWritten: number;
}

const settleTimeoutMs = 5_000;

export async function readDbActivity(databaseUrl: string): Promise<DbActivity> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Backends flush their counters when they exit; wait until ours is the only one left.
    const deadline = performance.now() + settleTimeoutMs;
    for (;;) {
      const { rows } = await client.query<{ others: string }>(
        "SELECT count(*) AS others FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      if (Number(rows[0]?.others ?? 0) === 0 || performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { rows } = await client.query<{ xacts: string; written: string }>(
      `SELECT xact_commit + xact_rollback AS xacts, tup_inserted + tup_updated + tup_deleted AS written
         FROM pg_stat_database WHERE datname = current_database()`,
    );
    return { transactions: Number(rows[0]?.xacts ?? 0), rowsWritten: Number(rows[0]?.written ?? 0) };
  } finally {
    await client.end();
  }
}

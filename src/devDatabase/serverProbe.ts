/**
 * Whether a PostgreSQL server answers at a connection string: one connection
 * attempt with a short timeout, closed at once. Used to pick the database of
 * the example, the test suite and `pgmq-gen dev` before anything else runs.
 */
import pg from "pg";

/** How long a probe waits for the server's answer. Milliseconds. */
export const PROBE_TIMEOUT_MS = 2000;

/** `null` when the server accepted a connection and ran `SELECT 1`; else the error that says why not. */
export async function probeServer(connectionString: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<Error | null> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A connection that fails after connect() settled reports here, not as an uncaught 'error'.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await client.end().catch(() => {});
  }
}

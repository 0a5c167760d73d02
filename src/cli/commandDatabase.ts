/**
 * What the commands that read or change queues (migrate, versions, status,
 * prune, dlq, job) share: the config loaded and validated, the refusal when
 * no database is given, and their connection: one at a time, bounded by the
 * runtime's connection and statement timeouts, so no command waits forever
 * on a silent server or a lock.
 */
import pg from "pg";
import { CONNECTION_DEFAULTS } from "@pgmq-gen/runtime/contract";
import { loadConfig } from "../config/load.js";
import type { PgmqGenConfig } from "../config/types.js";
import { validateConfig } from "../config/validate.js";
import { errorLines } from "./messages.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface CommandConfigOptions {
  cwd: string;
  configPath?: string;
}

/** The config found from `cwd` (or at `configPath`), validated; throws what loading or validation does. */
export async function loadCommandConfig(options: CommandConfigOptions): Promise<PgmqGenConfig> {
  const loaded = await loadConfig({
    cwd: options.cwd,
    ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
  });
  return validateConfig(loaded.config, loaded.filePath, { displayPath: loaded.displayPath });
}

/** `loadCommandConfig`, its failure printed (file, queue and option at fault) and null returned instead. */
export async function loadCommandConfigOrReport(
  options: CommandConfigOptions,
  terminal: Terminal,
): Promise<PgmqGenConfig | null> {
  try {
    return await loadCommandConfig(options);
  } catch (error) {
    for (const line of errorLines(error)) terminal.err(line);
    return null;
  }
}

/** Says no database was given (`--database-url` or `DATABASE_URL`) to `purpose` ("migrate", "count on"); a usage error. */
export function noDatabase(terminal: Terminal, purpose: string): ExitCode {
  terminal.err(`error: no database to ${purpose}; pass --database-url <url> or set DATABASE_URL`);
  return ExitCode.usage;
}

/** A command's connection settings: the runtime's timeouts, so a silent server or a held lock ends in an error. */
export function commandConnection(databaseUrl: string): pg.ClientConfig {
  return {
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECTION_DEFAULTS.connectionTimeoutMillis,
    statement_timeout: CONNECTION_DEFAULTS.statementTimeoutMillis,
  };
}

/** A pool of one connection with `commandConnection`'s settings; the caller ends it. */
export function openCommandPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ ...commandConnection(databaseUrl), max: 1 });
  // An idle connection dropped by the server must not crash the command; the next query reports it.
  pool.on("error", () => undefined);
  return pool;
}

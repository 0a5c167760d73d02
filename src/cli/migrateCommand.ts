/**
 * `pgmq-gen migrate`: creates every configured queue and dead-letter queue up
 * front, for deployments whose application role may not run DDL.
 */
import pg from "pg";
import { loadConfig } from "../config/load.js";
import { validateConfig } from "../config/validate.js";
import type { PgmqGenConfig } from "../config/types.js";
import { ensureQueues } from "@pgmq-gen/runtime";
import { errorLines } from "./messages.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface MigrateCommandOptions {
  cwd: string;
  configPath?: string;
  /** Server to migrate. (Default: none; main passes `$DATABASE_URL`) */
  databaseUrl?: string;
  dryRun: boolean;
}

/** Every queue the config names, dead-letter queues included, sorted and once each. */
export function configuredQueueNames(config: PgmqGenConfig): string[] {
  const names = new Set<string>();
  for (const [key, queue] of Object.entries(config.queues)) {
    names.add(key);
    if (queue.deadLetter !== undefined) names.add(queue.deadLetter);
  }
  return [...names].sort();
}

export async function runMigrateCommand(options: MigrateCommandOptions, terminal: Terminal): Promise<ExitCode> {
  const started = performance.now();
  let queues: string[];
  try {
    const loaded = await loadConfig({
      cwd: options.cwd,
      ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
    });
    queues = configuredQueueNames(validateConfig(loaded.config, loaded.filePath, { displayPath: loaded.displayPath }));
  } catch (error) {
    for (const line of errorLines(error)) terminal.err(line);
    return ExitCode.failed;
  }

  if (options.dryRun) {
    terminal.out(
      `pgmq-gen migrate --dry-run: would create ${queues.length} queues where missing (nothing was changed):`,
    );
    for (const queue of queues) terminal.out(`  ${queue}`);
    return ExitCode.ok;
  }
  if (options.databaseUrl === undefined || options.databaseUrl === "") {
    terminal.err("error: no database to migrate; pass --database-url <url> or set DATABASE_URL");
    return ExitCode.usage;
  }

  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 1 });
  try {
    await ensureQueues(pool, queues);
    const ms = Math.round(performance.now() - started);
    terminal.out(`pgmq-gen migrate: ${queues.length} queues ready (${queues.join(", ")}) (${ms} ms)`);
    return ExitCode.ok;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    terminal.err(`error: migrate failed: ${reason}`);
    return ExitCode.failed;
  } finally {
    await pool.end();
  }
}

import type { PgmqGenConfig } from "../config/types.js";
import { ensureQueues } from "@pgmq-gen/runtime";
import { loadCommandConfigOrReport, noDatabase, openCommandPool } from "./commandDatabase.js";
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
  const config = await loadCommandConfigOrReport(options, terminal);
  if (config === null) return ExitCode.failed;
  const queues = configuredQueueNames(config);

  if (options.dryRun) {
    terminal.out(
      `pgmq-gen migrate --dry-run: would create ${queues.length} queues where missing (nothing was changed):`,
    );
    for (const queue of queues) terminal.out(`  ${queue}`);
    return ExitCode.ok;
  }
  if (options.databaseUrl === undefined || options.databaseUrl === "") return noDatabase(terminal, "migrate");

  const pool = openCommandPool(options.databaseUrl);
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

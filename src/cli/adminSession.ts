/**
 * What the commands that act on one queue's messages (`dlq`, `job`) share:
 * the config loaded and the queue looked up in it (for its dead-letter
 * queue), and a pool on the server, bounded like the runtime's own.
 */
import type pg from "pg";
import { loadCommandConfigOrReport, noDatabase, openCommandPool } from "./commandDatabase.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface AdminSessionOptions {
  cwd: string;
  configPath?: string;
  /** Server to act on. (Default: none; main passes `$DATABASE_URL`) */
  databaseUrl?: string;
}

export interface QueueSession {
  readonly queue: string;
  /** The queue's `deadLetter` option; null when it has none. */
  readonly deadLetterQueue: string | null;
  readonly pool: pg.Pool;
}

/**
 * Loads the config, finds `queue` in it and opens a pool (one connection),
 * then runs `work`; prints why and returns the exit code when one of those
 * fails. `work`'s unexpected errors are printed as `error: <command> failed: ...`.
 */
export async function withQueueSession(
  command: string,
  queue: string,
  options: AdminSessionOptions,
  terminal: Terminal,
  work: (session: QueueSession) => Promise<ExitCode>,
): Promise<ExitCode> {
  const config = await loadCommandConfigOrReport(options, terminal);
  if (config === null) return ExitCode.failed;
  const entry = Object.hasOwn(config.queues, queue) ? config.queues[queue] : undefined;
  if (entry === undefined) {
    const known = Object.keys(config.queues).sort().join(", ");
    terminal.err(`error: queue "${queue}" is not in the config (its queues: ${known})`);
    return ExitCode.failed;
  }
  if (options.databaseUrl === undefined || options.databaseUrl === "") return noDatabase(terminal, "act on");
  const pool = openCommandPool(options.databaseUrl);
  try {
    return await work({ queue, deadLetterQueue: entry.deadLetter ?? null, pool });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    terminal.err(`error: ${command} failed: ${reason}`);
    return ExitCode.failed;
  } finally {
    await pool.end();
  }
}

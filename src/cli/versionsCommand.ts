import { QueueMissingError, queuedVersionCounts, type QueuedVersionCount } from "@pgmq-gen/runtime";
import { QUEUE_EVOLUTION_DEFAULTS } from "../config/defaults.js";
import type { PgmqGenConfig } from "../config/types.js";
import { loadCommandConfigOrReport, noDatabase, openCommandPool } from "./commandDatabase.js";
import { configuredQueueNames } from "./migrateCommand.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface VersionsCommandOptions {
  cwd: string;
  configPath?: string;
  /** Server to count on. (Default: none; main passes `$DATABASE_URL`) */
  databaseUrl?: string;
  /** Queues to count; every queue of the config (dead-letter queues included) when empty. */
  queues: readonly string[];
  /** Print JSON instead of a table. */
  json: boolean;
}

/** What a stamped version is to the config: its current one, one in `previous`, or neither. */
export type VersionStatus = "current" | "previous" | "retired" | "newer" | "unstamped" | "invalid";

export interface QueueVersionCounts {
  readonly queue: string;
  /** False when the queue has no table yet (nothing pushed, not migrated). */
  readonly exists: boolean;
  readonly versions: readonly (QueuedVersionCount & { status: VersionStatus })[];
}

/** The config entry whose versions a queue's messages have: its own, or, for a dead-letter queue only, its source's. */
function versionsOf(config: PgmqGenConfig, queue: string): { current: number; previous: number[] } | null {
  const entry =
    config.queues[queue] ?? Object.values(config.queues).find((candidate) => candidate.deadLetter === queue);
  if (entry === undefined) return null;
  return {
    current: entry.version ?? QUEUE_EVOLUTION_DEFAULTS.version,
    previous: Object.keys(entry.previous ?? {}).map(Number),
  };
}

function statusOf(
  { version, stamp }: QueuedVersionCount,
  known: { current: number; previous: number[] } | null,
): VersionStatus {
  if (stamp === "invalid") return "invalid";
  if (version === null) return "unstamped";
  if (known === null) return version === 1 ? "current" : "retired";
  if (version === known.current) return "current";
  if (known.previous.includes(version)) return "previous";
  return version > known.current ? "newer" : "retired";
}

const STATUS_WORDS: Record<VersionStatus, string> = {
  current: "current",
  previous: "previous: may leave `previous` once 0",
  retired: "not in the config: no worker can upgrade these",
  newer: "newer than the config",
  unstamped: "no stamp: tried against each version, newest first",
  invalid: "stamp is not a version: workers dead-letter these as undecodable",
};

function tableLines(counts: readonly QueueVersionCounts[]): string[] {
  const rows: string[][] = [["queue", "version", "messages", "status"]];
  for (const queue of counts) {
    if (!queue.exists) rows.push([queue.queue, "-", "-", "no queue table yet"]);
    else if (queue.versions.length === 0) rows.push([queue.queue, "-", "0", "empty"]);
    for (const row of queue.versions) {
      rows.push([
        queue.queue,
        row.version !== null ? String(row.version) : row.stamp === "invalid" ? "(invalid)" : "(none)",
        String(row.count),
        STATUS_WORDS[row.status],
      ]);
    }
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd(),
  );
}

export async function runVersionsCommand(options: VersionsCommandOptions, terminal: Terminal): Promise<ExitCode> {
  const config = await loadCommandConfigOrReport(options, terminal);
  if (config === null) return ExitCode.failed;
  if (options.databaseUrl === undefined || options.databaseUrl === "") return noDatabase(terminal, "count on");

  const pool = openCommandPool(options.databaseUrl);
  try {
    const counts: QueueVersionCounts[] = [];
    // Queues named on the command line, else every configured queue and dead-letter queue, as migrate creates them.
    const queues = options.queues.length > 0 ? [...new Set(options.queues)] : configuredQueueNames(config);
    for (const queue of queues) {
      const known = versionsOf(config, queue);
      try {
        const rows = await queuedVersionCounts(queue, { db: pool });
        counts.push({
          queue,
          exists: true,
          versions: rows.map((row) => ({ ...row, status: statusOf(row, known) })),
        });
      } catch (error) {
        if (!(error instanceof QueueMissingError)) throw error;
        counts.push({ queue, exists: false, versions: [] });
      }
    }
    if (options.json) terminal.out(JSON.stringify(counts, null, 2));
    else for (const line of tableLines(counts)) terminal.out(line);
    return ExitCode.ok;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    terminal.err(`error: versions failed: ${reason}`);
    return ExitCode.failed;
  } finally {
    await pool.end();
  }
}

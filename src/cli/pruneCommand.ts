import { pruneArchive, type PruneArchiveResult, QueueMissingError } from "@pgmq-gen/runtime";
import { isQueueName, QUEUE_NAME_RULE } from "@pgmq-gen/runtime/contract";
import { closestName } from "../config/closestName.js";
import { durationSeconds } from "../config/duration.js";
import type { PgmqGenConfig } from "../config/types.js";
import { describeDuration } from "../emit/queueDocs.js";
import { loadCommandConfig, noDatabase, openCommandPool } from "./commandDatabase.js";
import { errorLines } from "./messages.js";
import { configuredQueueNames } from "./migrateCommand.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface PruneCommandOptions {
  cwd: string;
  configPath?: string;
  /** Server to prune on. (Default: none; main passes `$DATABASE_URL`) */
  databaseUrl?: string;
  /** Queues to prune; every queue of the config with a retention (with `olderThanSeconds`: every queue) when empty. */
  queues: readonly string[];
  /** Seconds, overriding each queue's `archiveRetention`. */
  olderThanSeconds?: number;
  /** Count, delete nothing. */
  dryRun: boolean;
  /** Rows per statement. (Default: the runtime's `PRUNE_DEFAULTS.batchSize`) */
  batchSize?: number;
}

/** One queue to prune, and the age that applies: null when the queue keeps its archive forever. */
interface PruneTarget {
  readonly queue: string;
  readonly olderThanSeconds: number | null;
}

/** A usage mistake found once the config is read: exit 2, nothing deleted. */
class PruneUsageError extends Error {}

/** The queues a run prunes, in order, each with its age; throws `PruneUsageError` for a name it cannot prune. */
function pruneTargets(config: PgmqGenConfig, options: PruneCommandOptions): PruneTarget[] {
  const known = configuredQueueNames(config);
  const ageOf = (queue: string): number | null => {
    if (options.olderThanSeconds !== undefined) return options.olderThanSeconds;
    const retention = config.queues[queue]?.archiveRetention;
    return retention === undefined ? null : durationSeconds(retention);
  };
  if (options.queues.length === 0) return known.map((queue) => ({ queue, olderThanSeconds: ageOf(queue) }));
  const targets: PruneTarget[] = [];
  for (const queue of new Set(options.queues)) {
    if (!isQueueName(queue)) throw new PruneUsageError(`"${queue}" is not a queue name: expected ${QUEUE_NAME_RULE}`);
    if (!known.includes(queue)) {
      const suggestion = closestName(queue, known);
      throw new PruneUsageError(
        `queue "${queue}" is not in the config` +
          (suggestion !== undefined ? `; did you mean ${suggestion}?` : ` (its queues are ${known.join(", ")})`),
      );
    }
    const olderThanSeconds = ageOf(queue);
    if (olderThanSeconds === null) {
      throw new PruneUsageError(
        `queue "${queue}" has no archiveRetention: set one in the config, or pass --older-than <duration>`,
      );
    }
    targets.push({ queue, olderThanSeconds });
  }
  return targets;
}

interface Row {
  readonly queue: string;
  readonly olderThan: string;
  readonly rows: string;
  readonly note: string;
}

function resultRow(target: PruneTarget, result: PruneArchiveResult, dryRun: boolean): Row {
  const olderThan = describeDuration(target.olderThanSeconds!);
  if (result.noArchive) return { queue: target.queue, olderThan, rows: "-", note: "no archive table" };
  const before = `archived before ${result.cutoff.toISOString()}`;
  const note = result.lockBusy
    ? `${before}; another session is pruning it: stopped after ${result.batches} ${result.batches === 1 ? "batch" : "batches"}`
    : dryRun
      ? before
      : `${before}, ${result.batches} ${result.batches === 1 ? "batch" : "batches"}`;
  return { queue: target.queue, olderThan, rows: String(result.deleted), note };
}

function tableLines(rows: readonly Row[], dryRun: boolean): string[] {
  const cells = [
    ["queue", "older than", dryRun ? "would delete" : "deleted", ""],
    ...rows.map((row) => [row.queue, row.olderThan, row.rows, row.note]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...cells.map((cell) => cell[column]!.length)));
  return cells.map((cell) =>
    [cell[0]!.padEnd(widths[0]!), cell[1]!.padEnd(widths[1]!), cell[2]!.padStart(widths[2]!), cell[3]!]
      .join("  ")
      .trimEnd(),
  );
}

export async function runPruneCommand(options: PruneCommandOptions, terminal: Terminal): Promise<ExitCode> {
  const started = performance.now();
  let targets: PruneTarget[];
  try {
    targets = pruneTargets(await loadCommandConfig(options), options);
  } catch (error) {
    if (error instanceof PruneUsageError) {
      terminal.err(`error: ${error.message}`);
      return ExitCode.usage;
    }
    for (const line of errorLines(error)) terminal.err(line);
    return ExitCode.failed;
  }
  if (options.databaseUrl === undefined || options.databaseUrl === "") return noDatabase(terminal, "prune");

  const pool = openCommandPool(options.databaseUrl);
  const rows: Row[] = [];
  let total = 0;
  try {
    for (const target of targets) {
      if (target.olderThanSeconds === null) {
        rows.push({ queue: target.queue, olderThan: "-", rows: "-", note: "no archiveRetention: kept forever" });
        continue;
      }
      try {
        const result = await pruneArchive(target.queue, {
          olderThanSeconds: target.olderThanSeconds,
          db: pool,
          dryRun: options.dryRun,
          ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        });
        total += result.deleted;
        rows.push(resultRow(target, result, options.dryRun));
      } catch (error) {
        if (!(error instanceof QueueMissingError)) throw error;
        rows.push({
          queue: target.queue,
          olderThan: describeDuration(target.olderThanSeconds),
          rows: "-",
          note: "no queue table yet",
        });
      }
    }
    for (const line of tableLines(rows, options.dryRun)) terminal.out(line);
    const ms = Math.round(performance.now() - started);
    terminal.out(
      options.dryRun
        ? `pgmq-gen prune: dry run, ${total} archived ${total === 1 ? "row" : "rows"} would be deleted, nothing was (${ms} ms)`
        : `pgmq-gen prune: ${total} archived ${total === 1 ? "row" : "rows"} deleted (${ms} ms)`,
    );
    return ExitCode.ok;
  } catch (error) {
    // What was deleted before the failure stays deleted: say so.
    for (const line of tableLines(rows, options.dryRun).slice(1)) terminal.err(line);
    const reason = error instanceof Error ? error.message : String(error);
    terminal.err(`error: prune failed: ${reason}`);
    return ExitCode.failed;
  } finally {
    await pool.end();
  }
}

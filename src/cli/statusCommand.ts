/**
 * `pgmq-gen status`: each queue's figures (issue 15 §1): visible, in flight,
 * delayed, the oldest visible message's age, dead-lettered, archived, and
 * jobs completed in the last minute and hour, from the runtime's
 * `queueStatus`. `--watch` refreshes until SIGINT/SIGTERM: in place on a
 * terminal, one table (or one JSON line) per refresh otherwise.
 */
import pg from "pg";
import {
  listQueues,
  type Queryable,
  type QueueStatus,
  type QueueStatusFigure,
  type QueueStatusTarget,
  queueStatus,
} from "@pgmq-gen/runtime";
import { STATUS_DEFAULTS } from "@pgmq-gen/runtime/contract";
import type { PgmqGenConfig } from "../config/types.js";
import { commandConnection, loadCommandConfigOrReport, noDatabase, openCommandPool } from "./commandDatabase.js";
import { configuredQueueNames } from "./migrateCommand.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface StatusCommandOptions {
  cwd: string;
  configPath?: string;
  /** Server to read. (Default: none; main passes `$DATABASE_URL`) */
  databaseUrl?: string;
  /** Every PGMQ queue of the database too, not only the config's. */
  all: boolean;
  /** Print JSON instead of a table. */
  json: boolean;
  /** Refresh every `intervalMs` until SIGINT/SIGTERM. */
  watch: boolean;
  /** Time between refreshes with `watch`. Milliseconds. */
  intervalMs: number;
  /** The runtime's `countCap`. (Default: `STATUS_DEFAULTS.countCap`) */
  countCap?: number;
  /** stdout is a terminal: `watch` redraws in place. */
  interactive: boolean;
}

/** The keys `--json` prints for each queue, in order: the command's contract. */
export const STATUS_JSON_KEYS = [
  "queue",
  "visible",
  "inFlight",
  "delayed",
  "oldestAgeSeconds",
  "deadLettered",
  "archived",
  "completedLastMinute",
  "completedLastHour",
] as const satisfies readonly (keyof QueueStatus)[];

type Figure = Exclude<(typeof STATUS_JSON_KEYS)[number], "queue">;

const COLUMNS: readonly [Figure, string][] = [
  ["visible", "visible"],
  ["inFlight", "in flight"],
  ["delayed", "delayed"],
  ["oldestAgeSeconds", "oldest"],
  ["deadLettered", "dead-lettered"],
  ["archived", "archived"],
  ["completedLastMinute", "done 1m"],
  ["completedLastHour", "done 1h"],
];

/** `45s`, `2m 5s`, `3h 2m`, `2d 4h`. */
export function formatAge(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor(seconds / 3600) % 24;
  const minutes = Math.floor(seconds / 60) % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

/** `text`, a figure of `status`, marked as the table marks it: `~` estimated, `+` at least. */
export function markApproximation(status: QueueStatus, figure: QueueStatusFigure, text: string): string {
  const approximation = status.approximate[figure];
  return approximation === "estimate" ? `~${text}` : approximation === "atLeast" ? `${text}+` : text;
}

function cell(status: QueueStatus, figure: Figure): string {
  const value = status[figure];
  if (value === null) return "-";
  return markApproximation(status, figure, figure === "oldestAgeSeconds" ? formatAge(value) : String(value));
}

export function statusTableLines(statuses: readonly QueueStatus[], countCap: number): string[] {
  const rows: string[][] = [["queue", ...COLUMNS.map(([, title]) => title)]];
  for (const status of statuses) {
    if (!status.exists) {
      const deadLettered = status.deadLettered !== null ? ` (dead-lettered: ${cell(status, "deadLettered")})` : "";
      rows.push([status.queue, `no queue table yet${deadLettered}`]);
    } else rows.push([status.queue, ...COLUMNS.map(([figure]) => cell(status, figure))]);
  }
  const full = rows.filter((row) => row.length > 2);
  const widths = rows[0]!.map((_, column) => Math.max(...full.map((row) => row[column]!.length)));
  widths[0] = Math.max(...rows.map((row) => row[0]!.length));
  const lines = rows.map((row) => {
    if (row.length === 2) return `${row[0]!.padEnd(widths[0]!)}  ${row[1]}`;
    return row
      .map((text, column) => (column === 0 ? text.padEnd(widths[0]!) : text.padStart(widths[column]!)))
      .join("  ");
  });
  if (statuses.some((status) => Object.keys(status.approximate).length > 0)) {
    lines.push(
      "",
      `~ estimated from the table statistics, + at least: counts stop at ${countCap} (--count-cap); see docs/operations.md`,
    );
  }
  return lines;
}

function jsonOf(status: QueueStatus): Record<string, unknown> {
  return Object.fromEntries(STATUS_JSON_KEYS.map((key) => [key, status[key]]));
}

/** What the config knows of each of its queues and dead-letter queues. */
function configTargets(config: PgmqGenConfig): Map<string, QueueStatusTarget> {
  return new Map(
    configuredQueueNames(config).map((queue) => {
      const entry = config.queues[queue];
      return [
        queue,
        {
          queue,
          ...(entry?.deadLetter !== undefined ? { deadLetter: entry.deadLetter } : {}),
          ...(entry?.onSuccess !== undefined ? { onSuccess: entry.onSuccess } : {}),
        },
      ];
    }),
  );
}

/** Resolves after `ms`, or at once when `stopped` settles first; leaves no timer behind. */
function pause(ms: number, stopped: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), stopped]).finally(() =>
    clearTimeout(timer),
  );
}

function failureLine(error: unknown): string {
  return `error: status failed: ${error instanceof Error ? error.message : String(error)}`;
}

export async function runStatusCommand(options: StatusCommandOptions, terminal: Terminal): Promise<ExitCode> {
  const config = await loadCommandConfigOrReport(options, terminal);
  if (config === null) return ExitCode.failed;
  if (options.databaseUrl === undefined || options.databaseUrl === "") return noDatabase(terminal, "read");
  const countCap = options.countCap ?? STATUS_DEFAULTS.countCap;
  const configured = configTargets(config);

  const connection = commandConnection(options.databaseUrl);

  const read = async (db: Queryable): Promise<QueueStatus[]> => {
    const targets = new Map(configured);
    if (options.all)
      for (const queue of await listQueues({ db })) if (!targets.has(queue)) targets.set(queue, { queue });
    const sorted = [...targets.values()].sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
    return queueStatus(sorted, { db, countCap });
  };

  if (!options.watch) {
    const pool = openCommandPool(options.databaseUrl);
    try {
      const statuses = await read(pool);
      if (options.json) terminal.out(JSON.stringify(statuses.map(jsonOf), null, 2));
      else for (const line of statusTableLines(statuses, countCap)) terminal.out(line);
      return ExitCode.ok;
    } catch (error) {
      terminal.err(failureLine(error));
      return ExitCode.failed;
    } finally {
      await pool.end();
    }
  }

  // One connection of its own, not a pool's: a signal ends it, which fails a refresh
  // waiting on a lock at once (a pool would wait for that query, up to the statement timeout).
  let client: pg.Client | undefined;
  const dropClient = (): void => {
    void client?.end().catch(() => undefined);
    client = undefined;
  };
  const connected = async (): Promise<pg.Client> => {
    if (client !== undefined) return client;
    const fresh = new pg.Client(connection);
    // A connection the server drops must not crash the command; the next refresh reconnects.
    fresh.on("error", () => {
      if (client === fresh) dropClient();
    });
    client = fresh;
    await fresh.connect();
    return fresh;
  };

  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let stopping = false;
  const onSignal = () => {
    stopping = true;
    stop();
    dropClient();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const every = options.intervalMs % 1000 === 0 ? `${options.intervalMs / 1000}s` : `${options.intervalMs}ms`;
  try {
    for (let refresh = 0; !stopping; refresh++) {
      let statuses: QueueStatus[];
      try {
        statuses = await read(await connected());
      } catch (error) {
        if (stopping) break;
        dropClient();
        terminal.err(failureLine(error));
        // A first refresh that fails is a wrong URL or config, not a blip: say so and exit.
        if (refresh === 0) return ExitCode.failed;
        await pause(options.intervalMs, stopped);
        continue;
      }
      if (stopping) break;
      if (options.json) terminal.out(JSON.stringify(statuses.map(jsonOf)));
      else {
        const header = `pgmq-gen status at ${new Date().toISOString()}, every ${every} (Ctrl-C to stop)`;
        const lines = [header, "", ...statusTableLines(statuses, countCap)];
        // Cursor home and a cleared screen, then the table: the refresh replaces the last one.
        if (options.interactive) terminal.out(`\x1b[H\x1b[2J${lines.join("\n")}`);
        else terminal.out(`${refresh > 0 ? "\n" : ""}${lines.join("\n")}`);
      }
      await pause(options.intervalMs, stopped);
    }
    return ExitCode.ok;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    dropClient();
  }
}

/**
 * A dashboard under test: the real server (`startDashboard`, in-process, on
 * a free port) over a given pool, for the queues of a config object
 * validated as the CLI validates `pgmq.config.ts`, with a logger that keeps
 * its lines; and queues seeded with messages in each state. No vitest here:
 * the screenshot script (scripts/dashboardScreenshots.ts) uses it too;
 * tests take it through dashboardFixture.ts.
 */
import path from "node:path";
import type pg from "pg";
import type { PgmqClient } from "../../../packages/runtime/src/pgmq.js";
import type { Logger } from "../../../packages/runtime/src/logging/logger.js";
import type { JsonValue } from "../../../packages/runtime/src/types.js";
import { validateConfig } from "../../../src/config/validate.js";
import { DashboardQueues } from "../../../src/dashboard/dashboardQueues.js";
import { startDashboard } from "../../../src/dashboard/server.js";

/** A queue of the test config: what the dashboard reads of `pgmq.config.ts`'s entry. */
export interface TestQueueConfig {
  readonly deadLetter?: string;
  readonly onSuccess?: "archive" | "delete";
}

export interface TestDashboardOptions {
  /** Where the dashboard reads and acts. */
  readonly db: pg.Pool;
  /** The config's queues by name; each gets the schema `{ type: "object" }`. */
  readonly queues: Readonly<Record<string, TestQueueConfig>>;
  /** Actions allowed, with this token; null or absent: read-only. */
  readonly actions?: { readonly token: string } | null;
  /** Seconds between live refreshes. (Default: 60, so no refresh lands during a test that does not wait for one) */
  readonly refreshSeconds?: number;
  /** Between background depth samples. Milliseconds. (Default: 1000) */
  readonly sampleIntervalMs?: number;
}

export interface DashboardUnderTest {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The token actions need; null when read-only. */
  readonly token: string | null;
  /** Every line the dashboard logged, as `level message`. */
  readonly logLines: string[];
  close(): Promise<void>;
}

/** A logger that keeps each line as `level message`. */
export function collectingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (_fields: unknown, message: string) => {
    lines.push(`${level} ${message}`);
  };
  return { logger: { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") }, lines };
}

/** The config's queues as `DashboardQueues.fromConfig` takes them from a validated `pgmq.config.ts`. */
export function dashboardQueuesOf(queues: Readonly<Record<string, TestQueueConfig>>): DashboardQueues {
  const config = {
    queues: Object.fromEntries(
      Object.entries(queues).map(([name, entry]) => [name, { schema: { type: "object" }, ...entry }]),
    ),
  };
  const configPath = path.join(process.cwd(), "pgmq.config.ts");
  return DashboardQueues.fromConfig(validateConfig(config, configPath, { displayPath: "the dashboard test config" }));
}

/** Starts the dashboard on 127.0.0.1, on a free port. */
export async function startTestDashboard(options: TestDashboardOptions): Promise<DashboardUnderTest> {
  const { logger, lines } = collectingLogger();
  const actions = options.actions ?? null;
  const dashboard = await startDashboard({
    queues: dashboardQueuesOf(options.queues),
    db: options.db,
    logger,
    host: "127.0.0.1",
    port: 0,
    actions,
    refreshSeconds: options.refreshSeconds ?? 60,
    sampleIntervalMs: options.sampleIntervalMs ?? 1000,
  });
  return { origin: dashboard.origin, token: actions?.token ?? null, logLines: lines, close: () => dashboard.close() };
}

/** How many messages of each state `seedQueueStates` leaves in a queue. */
export interface QueueStateCounts {
  /** Archived now (completed this minute). */
  readonly archived?: number;
  /** Read once, with a visibility timeout still running. */
  readonly inFlight?: number;
  readonly visible?: number;
  /** Pushed with a delay of an hour, never read. */
  readonly delayed?: number;
}

/**
 * Sends, reads and archives through the runtime's PGMQ client, in an order
 * that makes each read take only the messages meant for it; resolves to the
 * ids of each state.
 */
export async function seedQueueStates(
  pgmq: PgmqClient,
  queue: string,
  counts: QueueStateCounts,
  payload: (state: string, index: number) => JsonValue = (state, index) => ({ state, n: index + 1 }),
): Promise<Record<keyof QueueStateCounts, bigint[]>> {
  const batch = (state: string, count: number | undefined) =>
    Array.from({ length: count ?? 0 }, (_, index) => payload(state, index));
  const done: Record<keyof QueueStateCounts, bigint[]> = { archived: [], inFlight: [], visible: [], delayed: [] };
  if ((counts.archived ?? 0) > 0) {
    done.archived = await pgmq.sendBatch(queue, batch("archived", counts.archived));
    await pgmq.archive(queue, done.archived);
  }
  if ((counts.inFlight ?? 0) > 0) {
    await pgmq.sendBatch(queue, batch("in_flight", counts.inFlight));
    done.inFlight = (await pgmq.read(queue, 3600, counts.inFlight!)).map((message) => message.msgId);
  }
  if ((counts.visible ?? 0) > 0) done.visible = await pgmq.sendBatch(queue, batch("visible", counts.visible));
  if ((counts.delayed ?? 0) > 0)
    done.delayed = await pgmq.sendBatch(queue, batch("delayed", counts.delayed), { delay: 3600 });
  return done;
}

/**
 * What the driver and the child processes of the reliability scenarios tell
 * each other: a child's configuration travels in an environment variable, its
 * reports come back as JSON lines on stdout.
 */
import type { ReliabilityQueueSettings } from "./reliabilityQueue.js";

export interface WorkerFixtureConfig {
  url: string;
  queue: ReliabilityQueueSettings;
  concurrency: number;
  /** (Default: concurrency) */
  batchSize?: number;
  /** Milliseconds. (Default: 200) */
  pollInterval?: number;
  /** (Default: true) */
  listen?: boolean;
  /** Milliseconds. (Default: 30000) */
  shutdownTimeout?: number;
  /** Let the runtime handle SIGTERM/SIGINT (`handleSignals: true`) instead of the fixture. */
  handleSignals: boolean;
  /** Connections of the process's pool (the worker's LISTEN connection comes on top). (Default: min(concurrency + 2, 6)) */
  poolSize?: number;
}

export interface ProducerFixtureConfig {
  url: string;
  queue: ReliabilityQueueSettings;
  /** Job ids firstJobId .. firstJobId + jobs - 1 are pushed. */
  firstJobId: number;
  jobs: number;
  /** Jobs per `pushBatch`; 1 uses `push`. */
  batchSize: number;
  /** Concurrent callers. */
  callers: number;
  sleepMs: number;
  /** Milliseconds between pushes of one caller. (Default: 0) */
  pauseMs?: number;
}

export type ChildReport =
  | { event: "ready" }
  | { event: "stopped" }
  | { event: "pushing" }
  | { event: "done"; pushed: number; retries: number }
  | { event: "error"; source: string; message: string }
  | { event: "kill"; msgId: string; reason: string; deadLetter: string | null }
  | { event: "fail"; msgId: string; message: string }
  | { event: "crash"; message: string };

export function report(line: ChildReport): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** The distinct `source: message` of the error reports among `reports`, up to `limit`. */
export function distinctErrors(reports: readonly ChildReport[], limit = 10): string[] {
  const messages = new Set<string>();
  for (const report of reports) if (report.event === "error") messages.add(`${report.source}: ${report.message}`);
  return [...messages].slice(0, limit);
}

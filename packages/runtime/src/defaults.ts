/**
 * Every default of the runtime, written once. The config's documentation
 * (src/config/types.ts), the model that fills a queue's options, the worker's
 * settings and the connection module all read them from here, so a default
 * cannot differ between what is documented, generated and run.
 */
import type { PruneArchiveOptions } from "./archivePruning.js";
import type { ConfigureOptions } from "./connection.js";
import type { QueueStatusOptions } from "./queueStatus.js";
import type { Backoff, QueueOptions, WorkerOptions } from "./types.js";

/** A queue's options when its config leaves them out. */
export const QUEUE_DEFAULTS = {
  visibilityTimeout: 30,
  maxRetries: 5,
  backoff: { kind: "exponential", initial: 1, factor: 2, max: 300, jitter: true },
  onSuccess: "archive",
  deadLetter: null,
  transactional: false,
  jobTimeout: null,
  archiveRetention: null,
} as const satisfies QueueOptions;

/**
 * The backoff that spaces a queue's retries: its own, else the default.
 * Generated definitions leave `backoff` out only when `maxRetries` is 0.
 */
export function queueBackoff(options: QueueOptions): Backoff {
  return options.backoff ?? QUEUE_DEFAULTS.backoff;
}

/** A worker's options when `createWorker` is given none. */
export const WORKER_DEFAULTS = {
  concurrency: 10,
  /**
   * `batchSize` is the larger of `concurrency` and this: 500 makes a read of
   * fast jobs cost ~0.2% of a transaction per job. It is a cap, not what a
   * worker holds (see `PrefetchTarget`).
   */
  batchSize: 500,
  /**
   * 16 MiB never cuts a read of 500 messages of up to 32 KiB (reads of
   * ordinary jobs are bounded by count), and held in memory (about three
   * times the text while parsed) it stays far below any heap a worker runs with.
   */
  batchBytes: 16 * 1024 * 1024,
  pollInterval: 1000,
  listen: true,
  shutdownTimeout: 30_000,
  handleSignals: false,
  pruneArchive: true,
  /**
   * A pass every minute walks the archived_at index once per queue with a
   * retention and finds nothing most of the time: a few index pages, about
   * a millisecond. Retention is measured in hours or days, so a minute's
   * delay in deleting a row is nothing.
   */
  pruneInterval: 60_000,
  /** The depth gauge's query reads a few index pages per queue: every 15 s is far below a worker's own load. */
  telemetry: { depthIntervalMs: 15_000 },
} as const satisfies WorkerOptions;

/**
 * What `pruneArchive` (and `pgmq-gen prune`) deletes with when not told. A
 * batch of 1,000 rows is one short statement (milliseconds: 1,000 index
 * entries, 1,000 heap rows and their WAL), so row locks, the pruning lock
 * and replication lag stay small, while the per-statement cost stays well
 * under a tenth of the work.
 */
export const PRUNE_DEFAULTS = {
  batchSize: 1000,
} as const satisfies Pick<PruneArchiveOptions, "batchSize">;

/** What `configure()` starts from. */
export const CONNECTION_DEFAULTS = {
  autoCreate: true,
  connectionTimeoutMillis: 10_000,
  statementTimeoutMillis: 30_000,
  telemetry: true,
} as const satisfies ConfigureOptions;

/** What `queueStatus` (and `pgmq-gen status`) count with when not told. */
export const STATUS_DEFAULTS = {
  countCap: 10_000,
} as const satisfies QueueStatusOptions;

/**
 * `max` of the pool the runtime creates, before the room workers add for
 * their transactional handlers: pg's own default, which covers reads, acks,
 * heartbeats, pushes and the application's queries of a process.
 */
export const DEFAULT_POOL_MAX = 10;

/**
 * A worker's archive retention: every `pruneInterval` (±10%), one pass over
 * the worker's queues that have an `archiveRetention`, each pruned in turn
 * with `pruneArchive` (batches, one pruner per queue across processes).
 *
 * States: idle (a timer armed, unref'd) -> pruning (one queue after another,
 * one statement at a time, so it holds at most one pool connection) -> idle;
 * stop() from either: the timer is cleared, the pass under way ends after
 * its current batch (its signal aborts), and nothing is armed again.
 */
import type pg from "pg";
import { pruneArchive } from "../archivePruning.js";
import { DatabaseTimeoutError } from "../errors.js";
import { type LongTimeout, setLongTimeout } from "../longTimeout.js";
import { isInstance } from "../thrownValues.js";
import { isConnectionError } from "./databaseErrors.js";
import type { WorkerEventEmitter } from "./workerEvents.js";

/** The first pass comes within this long of start(), spread at random: soon, but not with every worker at once. Milliseconds. */
const FIRST_PASS_WITHIN_MS = 10_000;

export interface PrunedQueue {
  readonly name: string;
  /** Seconds an archived row is kept. */
  readonly retentionSeconds: number;
}

export interface ArchivePrunerOptions {
  readonly queues: readonly PrunedQueue[];
  readonly pool: pg.Pool;
  /** Milliseconds between passes, before the ±10% spread. */
  readonly intervalMs: number;
  readonly events: WorkerEventEmitter;
}

/** `ms` spread uniformly over ±10%. */
function spread(ms: number): number {
  return ms * (0.9 + Math.random() * 0.2);
}

/**
 * A failure the log should name the queue for; a lost connection or a
 * database that stops answering is passed as it is, so the log says the
 * outage once, with every other statement's.
 */
function reported(queue: string, error: unknown): unknown {
  if (isInstance(error, DatabaseTimeoutError) || isConnectionError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`pgmq-gen worker: pruning the archive of queue "${queue}" failed: ${reason}`, { cause: error });
}

export class ArchivePruner {
  readonly #options: ArchivePrunerOptions;
  readonly #stopped = new AbortController();
  #timer: LongTimeout | null = null;
  #pass: Promise<void> = Promise.resolve();

  constructor(options: ArchivePrunerOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#options.queues.length === 0) return;
    this.#arm(Math.random() * Math.min(this.#options.intervalMs, FIRST_PASS_WITHIN_MS));
  }

  /** Clears the timer and ends the pass under way after its current batch; resolves when it has. Never rejects. */
  stop(): Promise<void> {
    this.#stopped.abort();
    this.#timer?.clear();
    this.#timer = null;
    return this.#pass;
  }

  #arm(ms: number): void {
    if (this.#stopped.signal.aborted) return;
    // Unref'd: pruning alone never keeps a process alive; stop() clears it anyway.
    this.#timer = setLongTimeout(() => {
      this.#timer = null;
      this.#pass = this.#prune().finally(() => this.#arm(spread(this.#options.intervalMs)));
    }, ms).unref();
  }

  async #prune(): Promise<void> {
    const { queues, pool, events } = this.#options;
    for (const queue of queues) {
      const signal = this.#stopped.signal;
      if (signal.aborted) return;
      const startedAt = performance.now();
      try {
        const result = await pruneArchive(queue.name, {
          olderThanSeconds: queue.retentionSeconds,
          db: pool,
          signal,
        });
        events.emit("archive:prune", {
          queue: queue.name,
          deleted: result.deleted,
          batches: result.batches,
          lockBusy: result.lockBusy,
          cutoff: result.cutoff,
          durationMs: performance.now() - startedAt,
        });
      } catch (error) {
        events.error(reported(queue.name, error));
      }
    }
  }
}

/**
 * Reads every queue's status on a timer while the dashboard runs, so the
 * depth charts have their hour even when no page is open. One read at a
 * time: the next is scheduled when the last one ends; `stop()` clears the
 * timer and waits for a read in progress, so nothing outlives the dashboard.
 * A failed read is logged once until reads work again (an outage of an hour
 * is one line, not 240).
 */
import { type Logger, type Queryable, queueStatus } from "@pgmq-gen/runtime";
import type { DashboardQueues } from "./dashboardQueues.js";
import type { DepthHistory } from "./depthHistory.js";

export interface DepthSamplerOptions {
  readonly queues: DashboardQueues;
  readonly db: Queryable;
  readonly history: DepthHistory;
  readonly countCap: number;
  /** Between reads. Milliseconds. */
  readonly intervalMs: number;
  readonly logger: Logger;
}

export class DepthSampler {
  readonly #options: DepthSamplerOptions;
  #timer: NodeJS.Timeout | null = null;
  #reading: Promise<void> | null = null;
  #stopped = false;
  #failing = false;

  constructor(options: DepthSamplerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#reading;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#reading = this.#read().finally(() => {
        this.#reading = null;
        this.#schedule(this.#options.intervalMs);
      });
    }, delayMs);
  }

  async #read(): Promise<void> {
    const { queues, db, history, countCap, logger } = this.#options;
    try {
      history.record(await queueStatus(queues.all, { db, countCap }), new Date());
      if (this.#failing) logger.info({}, "dashboard: depth samples work again");
      this.#failing = false;
    } catch (error) {
      if (this.#stopped || this.#failing) return;
      this.#failing = true;
      const reason = error instanceof Error ? error.message : String(error);
      logger.error(
        { err: error },
        `dashboard: reading queue depth failed: ${reason} (logged once until it works again)`,
      );
    }
  }
}

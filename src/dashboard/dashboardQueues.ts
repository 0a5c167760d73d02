/**
 * The queues a dashboard shows, from the config: every queue and
 * dead-letter queue it names, with what `queueStatus` and the dead-letter
 * browser need to know of each.
 */
import type { QueueStatusTarget } from "@pgmq-gen/runtime";
import { configuredQueueNames } from "../cli/migrateCommand.js";
import type { PgmqGenConfig } from "../config/types.js";

export interface DashboardQueue extends QueueStatusTarget {
  readonly queue: string;
  /** Its dead-letter queue (the config's `deadLetter`); null when it has none. */
  readonly deadLetter: string | null;
  /** Some queue of the config names it as its dead-letter queue. */
  readonly isDeadLetterQueue: boolean;
}

export class DashboardQueues {
  readonly all: readonly DashboardQueue[];
  readonly #byName: ReadonlyMap<string, DashboardQueue>;

  constructor(queues: readonly DashboardQueue[]) {
    this.all = [...queues].sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0));
    this.#byName = new Map(this.all.map((queue) => [queue.queue, queue]));
  }

  static fromConfig(config: PgmqGenConfig): DashboardQueues {
    const deadLetterQueues = new Set(
      Object.values(config.queues).flatMap((entry) => (entry.deadLetter !== undefined ? [entry.deadLetter] : [])),
    );
    return new DashboardQueues(
      configuredQueueNames(config).map((queue) => {
        const entry = Object.hasOwn(config.queues, queue) ? config.queues[queue] : undefined;
        return {
          queue,
          deadLetter: entry?.deadLetter ?? null,
          ...(entry?.onSuccess !== undefined ? { onSuccess: entry.onSuccess } : {}),
          isDeadLetterQueue: deadLetterQueues.has(queue),
        };
      }),
    );
  }

  /** The queue named so; undefined when the config has none. */
  get(name: string): DashboardQueue | undefined {
    return this.#byName.get(name);
  }
}

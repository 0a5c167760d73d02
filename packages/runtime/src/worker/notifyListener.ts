/**
 * Wakes idle fetch loops when a job is pushed.
 *
 * One dedicated connection (not from the pool: LISTEN holds its session, and
 * a pooled client would be lent to others) listens on each queue's insert
 * channel, `pgmq.q_<queue>.INSERT` (PGMQ's `enable_notify_insert`, and the
 * trigger pgmq-gen creates without PGMQ). A notification only says "look
 * now": the payload is ignored and polling stays for delayed and retried
 * messages, which notify nothing.
 *
 * When the connection drops it is reported and re-made with backoff; after
 * each (re)connect every queue is woken, since notifications sent while it
 * was down are lost.
 */
import pg from "pg";
import { retryDelaySeconds } from "../backoff.js";
import { connectTimeoutError, getStatementTimeoutMillis, isConnectTimeout } from "../connection.js";
import { connectionFailure } from "../connectionFailure.js";
import { sleepUnlessAborted } from "./wakeup.js";

/** The channel PGMQ notifies on insert into `queue`. */
export function insertChannel(queue: string): string {
  return `pgmq.q_${queue}.INSERT`;
}

export interface NotifyListenerOptions {
  /** Connection settings: the pool's, so the listener reaches the same database, with a connect timeout (`clientConfigFor`). */
  readonly connection: pg.ClientConfig;
  readonly queues: readonly string[];
  /** A message may be waiting in `queue`. */
  readonly onWake: (queue: string) => void;
  readonly onError: (error: unknown) => void;
}

/** Backoff between reconnects: 0.25 s doubling to 10 s, jittered. */
const reconnectBackoff = { kind: "exponential", initial: 0.25, factor: 2, max: 10, jitter: true } as const;

export class NotifyListener {
  readonly #options: NotifyListenerOptions;
  readonly #queueByChannel: Map<string, string>;
  readonly #closing = new AbortController();
  #client: pg.Client | null = null;
  #loop: Promise<void> | null = null;

  constructor(options: NotifyListenerOptions) {
    this.#options = options;
    this.#queueByChannel = new Map(options.queues.map((queue) => [insertChannel(queue), queue]));
  }

  /** Connects and listens; resolves after the first attempt, whether it worked or not (it keeps retrying). */
  start(): Promise<void> {
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => {
      firstAttempt = resolve;
    });
    this.#loop = this.#run(firstAttempt);
    return attempted;
  }

  async close(): Promise<void> {
    this.#closing.abort();
    const client = this.#client;
    this.#client = null;
    if (client !== null) await client.end().catch(() => {});
    await this.#loop;
  }

  async #run(firstAttempt: () => void): Promise<void> {
    const signal = this.#closing.signal;
    let failures = 0;
    while (!signal.aborted) {
      // Wrapped in an object: a promise returned from then() would be awaited, not passed on.
      const connection = await this.#connect().then(
        (connected) => {
          failures = 0;
          return connected;
        },
        (error: unknown) => {
          failures += 1;
          if (!signal.aborted) this.#options.onError(error);
          return null;
        },
      );
      firstAttempt();
      if (connection !== null) {
        // Notifications sent while we were not listening are lost: look now.
        for (const queue of this.#options.queues) this.#options.onWake(queue);
        await connection.ended;
        if (signal.aborted) return;
        failures += 1;
      }
      await sleepUnlessAborted(retryDelaySeconds(reconnectBackoff, failures) * 1000, signal);
    }
  }

  /** Connects and LISTENs; `ended` settles when the connection ends. */
  async #connect(): Promise<{ ended: Promise<void> }> {
    const client = new pg.Client(this.#options.connection);
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    client.on("error", (error) => {
      if (!this.#closing.signal.aborted) this.#options.onError(error);
      void client.end().catch(() => {});
      markEnded();
    });
    client.on("end", () => markEnded());
    client.on("notification", (notification) => {
      const queue = this.#queueByChannel.get(notification.channel);
      if (queue !== undefined) this.#options.onWake(queue);
    });
    const config = this.#options.connection;
    try {
      // Bounded by its connectionTimeoutMillis (see clientConfigFor), so a server that never answers cannot hang start().
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw isConnectTimeout(error)
        ? connectTimeoutError(config, config.connectionTimeoutMillis ?? 0, error)
        : connectionFailure(config, error);
    }
    try {
      // Bounded by the runtime's statement timeout.
      const queryTimeout = getStatementTimeoutMillis();
      for (const channel of this.#queueByChannel.keys()) {
        await client.query({
          text: `LISTEN ${pg.escapeIdentifier(channel)}`,
          query_timeout: queryTimeout,
        } as pg.QueryConfig);
      }
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closing.signal.aborted) {
      await client.end().catch(() => {});
      return { ended: Promise.resolve() };
    }
    this.#client = client;
    return { ended };
  }
}

/**
 * What a worker tells its logger: one line per event a person running it
 * needs to see (started, a failed attempt, a kill, a message that could not
 * be decoded, a lost and a restored connection, stopping, stopped). Job
 * starts and completions are not logged: at thousands a second they would
 * drown the rest, and the events API has them for metrics.
 *
 * It listens on the worker's events like any other listener. A connection
 * failure, or a database that stops answering (`DatabaseTimeoutError`), is
 * reported on `error` at every retry (every read, ack and heartbeat that
 * fails); the log says it once per outage, and once when the database
 * answers again.
 */
import {
  DatabaseConnectionError,
  type DatabaseTarget,
  DatabaseTimeoutError,
  DecodeError,
  describeIssue,
  LeaseExpiredWarning,
} from "../errors.js";
import { isInstance, stringField } from "../thrownValues.js";
import type { WorkerEvents } from "../types.js";
import { isConnectionError } from "../worker/databaseErrors.js";
import { describeError } from "../worker/failureReason.js";
import type { LogFields, Logger, LogLevel } from "./logger.js";

/** What the log needs to know of each queue the worker runs. */
export interface LoggedQueue {
  readonly name: string;
  readonly concurrency: number;
  readonly maxAttempts: number;
}

export interface WorkerLogSettings {
  readonly queues: readonly LoggedQueue[];
  readonly concurrency: number;
  readonly shutdownTimeout: number;
}

interface EventSource {
  on<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): void;
}

/** `2 s`, `1.5 s`, `250 ms`. */
function seconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const value = ms / 1000;
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} s`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * How long after a restored line a connection failure still counts as part
 * of the outage that ended: statements sent before the restore fail late
 * (at most a statement or connect timeout later, usually milliseconds), and
 * one line pair per outage is the promise. A new outage keeps failing every
 * retry, so its line comes at the first failure past this. Milliseconds.
 */
const STRAGGLER_MS = 1000;

/** Longest list of queue names a started line spells out, in characters: the line must keep its concurrency and database. */
const MAX_LISTED_NAMES = 1000;

/** `a, b, c`; past `MAX_LISTED_NAMES` characters, `a, b, … and 37 more (50 queues)` (the fields keep every name). */
function listed(names: readonly string[]): string {
  const all = names.join(", ");
  if (all.length <= MAX_LISTED_NAMES) return all;
  const shown: string[] = [];
  let length = 0;
  for (const name of names) {
    if (length + name.length + 2 > MAX_LISTED_NAMES) break;
    shown.push(name);
    length += name.length + 2;
  }
  return `${shown.join(", ")}, … and ${names.length - shown.length} more (${names.length} queues)`;
}

/** `database "app" at 127.0.0.1:5432 as user "worker"`: never the password (the target has none). */
export function describeTarget(target: DatabaseTarget): string {
  return `database "${target.database}" at ${target.host}:${target.port} as user "${target.user}"`;
}

/**
 * `error` without the `client` pg-pool hangs on the error of an idle client
 * (the pool's 'error' event): a JSON logger would write the whole pg Client,
 * its socket and its connection parameters (the ssl settings are enumerable,
 * a passphrase with them), into the line. A copy with the same prototype and
 * every other property; `error` itself is left as it is.
 */
function withoutClient(error: unknown): unknown {
  try {
    if (typeof error !== "object" || error === null || !Object.hasOwn(error, "client")) return error;
    const { client: _client, ...descriptors } = Object.getOwnPropertyDescriptors(error);
    return Object.create(Object.getPrototypeOf(error) as object | null, descriptors) as unknown;
  } catch {
    return error;
  }
}

export class WorkerLog {
  readonly #logger: Logger;
  readonly #settings: WorkerLogSettings;
  readonly #maxAttempts: Map<string, number>;
  readonly #target: () => DatabaseTarget;
  /** When the current outage began (epoch ms), or null while the database answers. */
  #outageSince: number | null = null;
  /** When the last outage ended (epoch ms). */
  #restoredAt = Number.NEGATIVE_INFINITY;
  #stopRequestedAt = 0;

  /** `target` is read when a line needs it: resolving it parses the connection settings. */
  constructor(logger: Logger, settings: WorkerLogSettings, target: () => DatabaseTarget) {
    this.#logger = logger;
    this.#settings = settings;
    this.#target = target;
    this.#maxAttempts = new Map(settings.queues.map((queue) => [queue.name, queue.maxAttempts]));
  }

  /** Subscribes to the events it logs. */
  listenTo(events: EventSource): void {
    events.on("job:fail", (event) => this.#failed(event));
    events.on("job:kill", (event) => this.#killed(event));
    events.on("archive:prune", (event) => this.#pruned(event));
    events.on("error", (error) => this.#error(error));
  }

  started(): void {
    const { queues, concurrency } = this.#settings;
    const names = queues.map((queue) =>
      queue.concurrency < concurrency ? `${queue.name} (concurrency ${queue.concurrency})` : queue.name,
    );
    const target = this.#target();
    this.#write(
      "info",
      { event: "worker:start", queues: queues.map((queue) => queue.name), concurrency, ...target },
      `worker started: ${queues.length === 1 ? "queue" : "queues"} ${listed(names)}; concurrency ${concurrency}; ` +
        describeTarget(target),
    );
  }

  stopping(runningJobs: number): void {
    this.#stopRequestedAt = Date.now();
    const { shutdownTimeout } = this.#settings;
    this.#write(
      "info",
      { event: "worker:stopping", runningJobs, shutdownTimeout },
      runningJobs === 0
        ? "worker stopping: no jobs running"
        : `worker stopping: waiting up to ${seconds(shutdownTimeout)} (shutdownTimeout) for ` +
            `${plural(runningJobs, "running job")} to finish`,
    );
  }

  stopped(leftBehind: number): void {
    const durationMs = Date.now() - this.#stopRequestedAt;
    this.#write(
      leftBehind > 0 ? "warn" : "info",
      { event: "worker:stopped", durationMs, leftBehind },
      `worker stopped in ${seconds(durationMs)}` +
        (leftBehind > 0
          ? `; ${plural(leftBehind, "job")} did not finish in time and will run again after their visibility timeout`
          : ""),
    );
  }

  /** The database answered (a read succeeded): ends an outage, if one was logged. */
  reached(): void {
    const since = this.#outageSince;
    if (since === null) return;
    this.#outageSince = null;
    this.#restoredAt = Date.now();
    const outageMs = Date.now() - since;
    this.#write(
      "info",
      { event: "connection:restored", outageMs },
      `database connection restored after ${seconds(outageMs)}`,
    );
  }

  #failed(event: WorkerEvents["job:fail"][0]): void {
    const maxAttempts = this.#maxAttempts.get(event.queue);
    const { queue, attempt, retryInSeconds, error } = event;
    this.#write(
      "warn",
      { event: "job:fail", queue, msgId: String(event.msgId), attempt, maxAttempts, retryInSeconds, err: error },
      `${queue} message ${event.msgId} failed (attempt ${attempt} of ${maxAttempts}): ${describeError(error)}; ` +
        `retry in ${seconds(retryInSeconds * 1000)}`,
    );
  }

  #killed(event: WorkerEvents["job:kill"][0]): void {
    const { queue, attempt, deadLetter, reason, error } = event;
    const where = deadLetter === null ? "deleted (the queue has no dead-letter queue)" : `moved to ${deadLetter}`;
    const fields = { queue, msgId: String(event.msgId), attempt, deadLetter, reason, err: error };
    if (isInstance(error, DecodeError)) {
      const issues = (error as DecodeError).issues;
      const first = issues[0];
      const failure =
        first === undefined
          ? describeError(error)
          : `first schema failure: ${describeIssue(first)}` +
            (issues.length > 1 ? ` (and ${plural(issues.length - 1, "more issue")})` : "");
      this.#write(
        "error",
        { event: "job:undecodable", pointer: first?.pointer, ...fields },
        `${queue} message ${event.msgId} could not be decoded, ${where}: ${failure}`,
      );
      return;
    }
    this.#write(
      "error",
      { event: "job:kill", ...fields },
      `${queue} message ${event.msgId} killed on attempt ${attempt}, ${where}: ${reason}`,
    );
  }

  /** A pass that deleted rows is worth a line; one that found nothing, or another pruner at work, is debug. */
  #pruned(event: WorkerEvents["archive:prune"][0]): void {
    const { queue, deleted, batches, lockBusy, durationMs } = event;
    const cutoff = event.cutoff.toISOString();
    const fields = { event: "archive:prune", queue, deleted, batches, lockBusy, cutoff, durationMs };
    const busy = lockBusy ? "; another session is pruning it, left the rest to it" : "";
    this.#write(
      deleted > 0 ? "info" : "debug",
      fields,
      `${queue} archive pruned: ${plural(deleted, "row")} archived before ${cutoff} deleted in ` +
        `${batches} ${batches === 1 ? "batch" : "batches"} (${seconds(durationMs)})${busy}`,
    );
  }

  #error(reported: unknown): void {
    const error = withoutClient(reported);
    // A database that stops answering (a network partition, a dropped firewall rule, a stalled server) fails every
    // read, ack and heartbeat with a DatabaseTimeoutError, not a connection error: the same outage, said once.
    const timeout = isInstance(error, DatabaseTimeoutError);
    if (timeout || isConnectionError(error)) {
      // Still down, or a straggler of the outage just ended: one queue's read can succeed on a new connection
      // before another queue's statement, sent on a connection the same outage killed, reports its failure.
      if (this.#outageSince !== null || Date.now() - this.#restoredAt < STRAGGLER_MS) {
        this.#write(
          "debug",
          { event: "connection:retry", err: error },
          `database still unreachable: ${describeError(error)}`,
        );
        return;
      }
      this.#outageSince = Date.now();
      const target = this.#target();
      // A DatabaseConnectionError names the server, database and user itself; a DatabaseTimeoutError the server.
      const where = timeout || isInstance(error, DatabaseConnectionError) ? "" : ` (${describeTarget(target)})`;
      this.#write(
        "warn",
        { event: "connection:lost", ...target, err: error },
        `${timeout ? "database not answering" : "database connection lost"}${where}: ${describeError(error)}; ` +
          "retrying with backoff until it answers",
      );
      return;
    }
    const warning = isInstance(error, LeaseExpiredWarning);
    const name = stringField(error, "name") || "Error";
    this.#write(warning ? "warn" : "error", { event: "worker:error", err: error }, `${name}: ${describeError(error)}`);
  }

  /**
   * A logger that throws must not break the worker: its line is lost, the
   * worker goes on. So must one whose methods are async and reject (a log
   * shipper that is down): left unhandled, the rejection would end the process.
   */
  #write(level: LogLevel, fields: LogFields, message: string): void {
    try {
      const result: unknown = this.#logger[level](fields, message);
      if ((typeof result === "object" && result !== null) || typeof result === "function") {
        const then = (result as { then?: unknown }).then;
        if (typeof then === "function") then.call(result, undefined, () => {});
      }
    } catch {
      // Nowhere left to report it: the logger is the reporting channel.
    }
  }
}

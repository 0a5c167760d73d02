/**
 * Runs one message of one queue, start to finish: checks it may run,
 * decodes it, calls the handler with its context, decides how the delivery
 * ends (done, failed, killed) and hands the ack to `QueueAcks`.
 *
 * The rules follow apalis-pgmq: a handler that returns is done; one that
 * throws is retried after its backoff while attempts remain, else killed;
 * `UnrecoverableError` kills at once. A message whose `read_ct` is already
 * past `maxAttempts` (its workers kept dying mid-job) and one that does not
 * decode or match its schema (a foreign producer) are killed without running.
 */
import type pg from "pg";
import { retryDelaySeconds } from "../backoff.js";
import { DecodeError, UnrecoverableError } from "../errors.js";
import type { PgmqClient, ReadMessage } from "../pgmq.js";
import type { JobContext, TransactionalJobContext } from "../types.js";
import type { JobAborts } from "./jobAborts.js";
import type { QueueAcks } from "./queueAcks.js";
import type { QueueSettings } from "./workerSettings.js";
import type { VisibilityHeartbeat } from "./visibilityHeartbeat.js";
import type { WorkerEventEmitter } from "./workerEvents.js";

/** The reason a job's signal aborts when its queue's `jobTimeout` passes; the job counts as failed. */
export class JobTimeoutError extends Error {
  override readonly name = "JobTimeoutError";
}

/** The reason every running job's signal aborts when `stop()` has waited `shutdownTimeout`. */
export class WorkerStoppingError extends Error {
  override readonly name = "WorkerStoppingError";
}

export interface JobRunnerOptions {
  readonly queue: QueueSettings;
  readonly client: PgmqClient;
  readonly acks: QueueAcks;
  readonly heartbeat: VisibilityHeartbeat;
  readonly events: WorkerEventEmitter;
  /** Running jobs' controllers, all aborted when `stop()` gives up waiting for them. */
  readonly aborts: JobAborts;
}

type Outcome =
  | { kind: "done"; acked: boolean }
  | { kind: "failed"; error: unknown }
  | { kind: "killed"; reason: string; error?: unknown };

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export class JobRunner {
  readonly #options: JobRunnerOptions;

  constructor(options: JobRunnerOptions) {
    this.#options = options;
  }

  /**
   * Runs `message` to its end, ack included. The message is already on the
   * heartbeat (since its read, see `PrefetchBuffer`); `visibleAt` tells when
   * it becomes visible again. `onHandlerSettled` is called once the handler is over (or was never
   * called), before the ack is written: the job's slot then only holds its
   * pending ack. Never rejects for anything a handler does.
   */
  async run(message: ReadMessage, visibleAt: () => number, onHandlerSettled: () => void): Promise<void> {
    const { queue, heartbeat } = this.#options;
    const event = { queue: queue.name, msgId: message.msgId, attempt: message.readCt };
    let outcome: Outcome;
    const startedAt = Date.now();
    let ran = false;
    try {
      if (message.readCt > queue.maxAttempts) {
        outcome = {
          kind: "killed",
          reason:
            `attempt ${message.readCt} exceeds maxAttempts ${queue.maxAttempts}: ` +
            "earlier deliveries ended without an ack (the worker died or lost its connection mid-job)",
        };
      } else {
        const decoded = this.#decode(message);
        if (!decoded.ok) {
          outcome = { kind: "killed", reason: describeError(decoded.error), error: decoded.error };
        } else {
          ran = true;
          this.#options.events.emit("job:start", event);
          outcome = await this.#runHandler(decoded.job, message);
        }
      }
    } finally {
      heartbeat.remove(message.msgId);
      onHandlerSettled();
    }
    await this.#settle(message, outcome, visibleAt(), ran ? Date.now() - startedAt : 0);
  }

  #decode(message: ReadMessage): { ok: true; job: unknown } | { ok: false; error: unknown } {
    try {
      return { ok: true, job: this.#options.queue.definition.codec.decode(message.message) };
    } catch (error) {
      return { ok: false, error: error instanceof DecodeError ? error.withMsgId(message.msgId) : error };
    }
  }

  async #runHandler(job: unknown, message: ReadMessage): Promise<Outcome> {
    const { queue, aborts } = this.#options;
    const controller = aborts.add();
    const jobTimeout = queue.definition.options.jobTimeout;
    let timedOut: JobTimeoutError | null = null;
    const timer =
      jobTimeout === null
        ? null
        : setTimeout(() => {
            timedOut = new JobTimeoutError(`${queue.name} message ${message.msgId}: jobTimeout of ${jobTimeout} s passed`);
            controller.abort(timedOut);
          }, jobTimeout * 1000);
    const context: JobContext = {
      queue: queue.name,
      msgId: message.msgId,
      attempt: message.readCt,
      maxAttempts: queue.maxAttempts,
      enqueuedAt: message.enqueuedAt,
      headers: message.headers,
      signal: controller.signal,
    };
    try {
      if (queue.definition.options.transactional) {
        await this.#runInTransaction(job, context, () => timedOut);
        return { kind: "done", acked: true };
      }
      await queue.handle(job, context);
      // A handler that ignored its signal and returned late still timed out.
      if (timedOut !== null) throw timedOut;
      return { kind: "done", acked: false };
    } catch (error) {
      if (error instanceof UnrecoverableError) return { kind: "killed", reason: describeError(error), error };
      return { kind: "failed", error };
    } finally {
      if (timer !== null) clearTimeout(timer);
      aborts.delete(controller);
    }
  }

  /**
   * BEGIN, handler, ack, COMMIT on one pool client: the handler's writes and
   * the ack commit together or not at all. An ack that finds its message
   * gone (its timeout passed and another worker finished it) rolls back, so
   * the handler's effects happen once.
   */
  async #runInTransaction(job: unknown, context: JobContext, timedOut: () => JobTimeoutError | null): Promise<void> {
    const { queue, client: pgmq } = this.#options;
    const client = await pgmq.pool.connect();
    // A checked-out client has no pool listener: an unlistened 'error' (backend killed) would crash the process.
    const onClientError = (error: Error): void => this.#options.events.error(error);
    client.on("error", onClientError);
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const transactional: TransactionalJobContext = { ...context, client };
      try {
        await queue.handle(job, transactional);
        const timeout = timedOut();
        if (timeout !== null) throw timeout;
        const ids =
          queue.definition.options.onSuccess === "archive"
            ? await pgmq.archive(queue.name, [context.msgId], client)
            : await pgmq.delete(queue.name, [context.msgId], client);
        if (ids.length === 0) {
          throw new Error(
            `${queue.name} message ${context.msgId} was no longer in the queue at commit ` +
              "(its visibility timeout passed and another worker took it): rolled back",
          );
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      }
    } finally {
      client.off("error", onClientError);
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than return it to the pool.
      (client as pg.PoolClient).release(broken);
    }
  }

  async #settle(message: ReadMessage, outcome: Outcome, deadline: number, durationMs: number): Promise<void> {
    const { queue, acks, events } = this.#options;
    const event = { queue: queue.name, msgId: message.msgId, attempt: message.readCt };
    const attempt = message.readCt;
    if (outcome.kind === "done") {
      if (!outcome.acked) await acks.done(message.msgId, deadline);
      events.emit("job:complete", { ...event, durationMs });
      return;
    }
    if (outcome.kind === "failed" && attempt < queue.maxAttempts) {
      const retryInSeconds = retryDelaySeconds(queue.definition.options.backoff, attempt);
      await acks.retry(message.msgId, retryInSeconds, deadline);
      events.emit("job:fail", { ...event, error: outcome.error, retryInSeconds });
      return;
    }
    const reason =
      outcome.kind === "failed"
        ? `failed on its last attempt (${attempt} of ${queue.maxAttempts}): ${describeError(outcome.error)}`
        : outcome.reason;
    const error = outcome.error;
    await acks.kill(message.msgId, reason, attempt, deadline);
    const deadLetter = queue.definition.options.deadLetter;
    events.emit("job:kill", { ...event, reason, deadLetter, ...(error !== undefined ? { error } : {}) });
  }
}

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
import { connectClient } from "../connection.js";
import { DecodeError, UnrecoverableError } from "../errors.js";
import { setLongTimeout } from "../longTimeout.js";
import type { PgmqClient, ReadMessage } from "../pgmq.js";
import type { JobContext, MessageHeaders, TransactionalJobContext } from "../types.js";
import type { JobAbort, JobAborts } from "./jobAborts.js";
import type { QueueAcks } from "./queueAcks.js";
import type { QueueSettings } from "./workerSettings.js";
import type { RunningJobs } from "./runningJobs.js";
import type { HiddenMessage, VisibilityHeartbeat } from "./visibilityHeartbeat.js";
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
  /** Running jobs' aborts, all aborted when `stop()` gives up waiting for them. */
  readonly aborts: JobAborts;
  /** The queue's jobs in flight: `run()` ends each job it is given there. */
  readonly running: RunningJobs;
}

type Outcome =
  | { kind: "done"; acked: boolean }
  | { kind: "failed"; error: unknown }
  | { kind: "killed"; reason: string; error?: unknown };

const DONE: Outcome = { kind: "done", acked: false };
const DONE_AND_ACKED: Outcome = { kind: "done", acked: true };

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The context a handler gets. A class so `signal` can be a getter on the
 * prototype: the job's `AbortController` is only made for a handler that
 * asks for it (see `JobAbort`). An object literal with an own getter (which
 * a spread `{ ...ctx }` would copy) cost ~600 more bytes per job in the drain
 * profile and pushed the mixed worker's peak RSS from 90 to 97 MB, so the
 * accessor stays on the prototype and `JobContext.signal` documents it.
 */
class RunningJobContext implements JobContext {
  readonly #abort: JobAbort;

  constructor(
    readonly queue: string,
    readonly msgId: bigint,
    readonly attempt: number,
    readonly maxAttempts: number,
    readonly enqueuedAt: Date,
    readonly headers: MessageHeaders | null,
    abort: JobAbort,
  ) {
    this.#abort = abort;
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** `context` with the client of the job's transaction (static: no method on what handlers see). */
  static withClient(context: RunningJobContext, client: pg.ClientBase): TransactionalJobContext {
    return new TransactionalRunningJobContext(
      context.queue,
      context.msgId,
      context.attempt,
      context.maxAttempts,
      context.enqueuedAt,
      context.headers,
      context.#abort,
      client,
    );
  }
}

class TransactionalRunningJobContext extends RunningJobContext implements TransactionalJobContext {
  constructor(
    queue: string,
    msgId: bigint,
    attempt: number,
    maxAttempts: number,
    enqueuedAt: Date,
    headers: MessageHeaders | null,
    abort: JobAbort,
    readonly client: pg.ClientBase,
  ) {
    super(queue, msgId, attempt, maxAttempts, enqueuedAt, headers, abort);
  }
}

export class JobRunner {
  readonly #options: JobRunnerOptions;

  constructor(options: JobRunnerOptions) {
    this.#options = options;
  }

  /**
   * Runs one buffered message to its end, ack included, and ends its job in
   * `running`: `handlerSettled()` once the handler is over (or was never
   * called), before the ack is written, then `finished()` once the ack is
   * written or given up. The message is on the heartbeat since its read
   * (see `PrefetchBuffer`); its `visibleAt` tells when it becomes visible
   * again. Never rejects: what a handler does is its job's outcome, and
   * anything else (a bug of ours) is reported on the `error` event.
   */
  async run(hidden: HiddenMessage): Promise<void> {
    const { queue, heartbeat, running, events } = this.#options;
    const message = hidden.message;
    let handlerSettled = false;
    let ackHandedOver = false;
    try {
      let outcome: Outcome;
      let durationMs = 0;
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
            if (events.listens("job:start")) {
              events.emit("job:start", { queue: queue.name, msgId: message.msgId, attempt: message.readCt });
            }
            const startedAt = Date.now();
            outcome = await this.#runHandler(decoded.job, message);
            durationMs = Date.now() - startedAt;
          }
        }
      } finally {
        heartbeat.remove(hidden);
        handlerSettled = true;
        running.handlerSettled();
      }
      this.#settle(message, outcome, hidden.visibleAt, durationMs);
      ackHandedOver = true;
    } catch (error) {
      events.error(error);
    } finally {
      if (!handlerSettled) running.handlerSettled();
      if (!ackHandedOver) running.finished();
    }
  }

  #decode(message: ReadMessage): { ok: true; job: unknown } | { ok: false; error: unknown } {
    try {
      return { ok: true, job: this.#options.queue.definition.codec.decode(message.message) };
    } catch (error) {
      return { ok: false, error: error instanceof DecodeError ? error.withMsgId(message.msgId) : error };
    }
  }

  async #runHandler(job: unknown, message: ReadMessage): Promise<Outcome> {
    const abort = this.#options.aborts.add();
    const queue = this.#options.queue;
    const jobTimeout = queue.definition.options.jobTimeout;
    let timedOut: JobTimeoutError | null = null;
    // A long timer: jobTimeout may pass 2^31 ms, where Node's setTimeout fires at once. Unref'd: it only
    // aborts a signal, and must not keep alive a process whose handler was left behind by stop().
    const timer =
      jobTimeout === null
        ? null
        : setLongTimeout(() => {
            timedOut = new JobTimeoutError(`${queue.name} message ${message.msgId}: jobTimeout of ${jobTimeout} s passed`);
            abort.abort(timedOut);
          }, jobTimeout * 1000).unref();
    const context = new RunningJobContext(
      queue.name,
      message.msgId,
      message.readCt,
      queue.maxAttempts,
      message.enqueuedAt,
      message.headers,
      abort,
    );
    try {
      if (queue.definition.options.transactional) {
        await this.#runInTransaction(job, context, () => timedOut);
        return DONE_AND_ACKED;
      }
      await queue.handle(job, context);
      // A handler that ignored its signal and returned late still timed out.
      if (timedOut !== null) throw timedOut;
      return DONE;
    } catch (error) {
      if (error instanceof UnrecoverableError) return { kind: "killed", reason: describeError(error), error };
      return { kind: "failed", error };
    } finally {
      timer?.clear();
      abort.close();
    }
  }

  /**
   * BEGIN, handler, ack, COMMIT on one pool client: the handler's writes and
   * the ack commit together or not at all. An ack that finds its message
   * gone (its timeout passed and another worker finished it) rolls back, so
   * the handler's effects happen once.
   */
  async #runInTransaction(
    job: unknown,
    context: RunningJobContext,
    timedOut: () => JobTimeoutError | null,
  ): Promise<void> {
    const { queue, client: pgmq } = this.#options;
    // A bounded wait: a pool with no free connection fails this attempt instead of hanging the job.
    const client = await connectClient(pgmq.pool);
    // A checked-out client has no pool listener: an unlistened 'error' (backend killed) would crash the process.
    const onClientError = (error: Error): void => this.#options.events.error(error);
    client.on("error", onClientError);
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const transactional = RunningJobContext.withClient(context, client);
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

  /**
   * Hands the outcome's ack to `QueueAcks`; once it is written (or given
   * up), the job's event is emitted and the job finished in `running`.
   */
  #settle(message: ReadMessage, outcome: Outcome, deadline: number, durationMs: number): void {
    const { queue, acks, events, running } = this.#options;
    const attempt = message.readCt;
    if (outcome.kind === "done") {
      const completed = (): void => {
        if (events.listens("job:complete")) {
          events.emit("job:complete", { queue: queue.name, msgId: message.msgId, attempt, durationMs });
        }
        running.finished();
      };
      if (outcome.acked) completed();
      else acks.done(message.msgId, deadline, completed);
      return;
    }
    const event = { queue: queue.name, msgId: message.msgId, attempt };
    if (outcome.kind === "failed" && attempt < queue.maxAttempts) {
      const retryInSeconds = retryDelaySeconds(queue.definition.options.backoff, attempt);
      acks.retry(message.msgId, retryInSeconds, deadline, () => {
        events.emit("job:fail", { ...event, error: outcome.error, retryInSeconds });
        running.finished();
      });
      return;
    }
    const reason =
      outcome.kind === "failed"
        ? `failed on its last attempt (${attempt} of ${queue.maxAttempts}): ${describeError(outcome.error)}`
        : outcome.reason;
    const error = outcome.error;
    const deadLetter = queue.definition.options.deadLetter;
    acks.kill(message.msgId, reason, attempt, deadline, () => {
      events.emit("job:kill", { ...event, reason, deadLetter, ...(error !== undefined ? { error } : {}) });
      running.finished();
    });
  }
}

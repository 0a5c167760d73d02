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
 * A message of another schema version whose upgrade failed, or that is of a
 * newer version than the worker's, fails its attempt without running, as a
 * throwing handler's does (versionedDecode.ts).
 *
 * A job's event (`job:complete`, `job:fail`, `job:kill`) is emitted only once
 * its ack is written. An ack that is not (its delivery lost the message to
 * another reader, or the database stayed unreachable past the visibility
 * timeout) is reported as `AckLostError` instead. A transactional job whose
 * connection was lost is released with its attempt given back: a lost
 * connection is not the handler's failure.
 *
 * With telemetry (telemetry/), each attempt runs in its `process <queue>`
 * span, ended with its outcome once its ack is written or given up, and the
 * job's counter is counted with its event.
 */
import type pg from "pg";
import { retryDelaySeconds } from "../backoff.js";
import { connectClient } from "../connection.js";
import {
  type AckKind,
  AckLostError,
  DecodeError,
  LeaseExpiredWarning,
  LeaseLostError,
  UnrecoverableError,
} from "../errors.js";
import { setLongTimeout } from "../longTimeout.js";
import { NewerVersionError, UpgradeError } from "../versionErrors.js";
import type { PgmqClient, ReadMessage } from "../pgmq.js";
import { isInstance } from "../thrownValues.js";
import type { JobContext, MessageHeaders, TransactionalJobContext } from "../types.js";
import type { AckResult } from "./ackBatcher.js";
import { isConnectionError } from "./databaseErrors.js";
import { boundedReason, describeError } from "./failureReason.js";
import type { JobAbort, JobAborts } from "./jobAborts.js";
import type { QueueAcks } from "./queueAcks.js";
import type { QueueSettings } from "./workerSettings.js";
import type { RunningJobs } from "./runningJobs.js";
import type { HiddenMessage, VisibilityHeartbeat } from "./visibilityHeartbeat.js";
import type { WorkerEventEmitter } from "./workerEvents.js";
import type { AttemptOutcome, AttemptTrace, WorkerTelemetry } from "../telemetry/telemetryTypes.js";

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
  /** Null: nothing traced or recorded. */
  readonly telemetry: WorkerTelemetry | null;
}

type Outcome =
  | { kind: "done"; acked: boolean }
  | { kind: "failed"; error: unknown }
  | { kind: "killed"; reason: string; error?: unknown }
  /** The transaction's connection was lost: not the handler's failure, so its attempt is given back. */
  | { kind: "released"; error: unknown }
  /** Nothing to ack: the delivery lost its message (reported with `error`). */
  | { kind: "lost"; error: Error }
  /**
   * Nothing to run or ack: this worker finished the job in an earlier
   * delivery (see `QueueAcks.finishedHere`), whose done ack, unfenced,
   * archives or deletes it (or just did).
   */
  | { kind: "alreadyDone" };

const DONE: Outcome = { kind: "done", acked: false };
const DONE_AND_ACKED: Outcome = { kind: "done", acked: true };
const ALREADY_DONE: Outcome = { kind: "alreadyDone" };

/** Thrown out of a transactional run whose connection was lost; `cause` is what the handler or pg threw. */
class TransactionConnectionLost extends Error {}

/** Thrown inside a transactional run whose handler returned after stop() left it behind: rolls it back, unacked. */
class TransactionLeftBehind extends Error {}

const ACK_LOST_REASONS = { lost: "leaseLost", expired: "deadlinePassed", refused: "refused" } as const;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/**
 * The context a handler gets. A class so `signal` can be a getter on the
 * prototype: the job's `AbortController` is only made for a handler that
 * asks for it (see `JobAbort`). An object literal with an own getter (which
 * a spread `{ ...ctx }` would copy) cost memory on every job (docs/performance.md,
 * "Measurements behind design choices"), so the accessor stays on the
 * prototype and `JobContext.signal` documents it.
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
    const { queue, acks, heartbeat, running, events, telemetry } = this.#options;
    const message = hidden.message;
    let handlerSettled = false;
    let ackHandedOver = false;
    let span: AttemptTrace | null = null;
    try {
      let outcome: Outcome;
      let durationMs: number | null = null;
      try {
        // First: past maxAttempts it would be killed, though its job succeeded.
        if (acks.finishedHere(message.msgId)) {
          outcome = ALREADY_DONE;
        } else if (hidden.leaseLost) {
          // Lost while buffered (the event loop was blocked past its timeout): another worker holds it now.
          outcome = { kind: "lost", error: new LeaseLostError(queue.name, message.msgId, message.readCt) };
        } else if (message.readCt > queue.maxAttempts) {
          span = telemetry?.startAttempt(queue.name, message) ?? null;
          outcome = {
            kind: "killed",
            reason:
              `attempt ${message.readCt} exceeds maxAttempts ${queue.maxAttempts}: ` +
              "earlier deliveries ended without an ack (the worker died or lost its connection mid-job, or its " +
              "acks were not written: see the worker's AckLostError reports)",
          };
        } else {
          span = telemetry?.startAttempt(queue.name, message) ?? null;
          const decoded = this.#decode(message);
          if (!decoded.ok) {
            // An upgrade that failed, or a version newer than this worker's, fails the attempt as a handler
            // that throws does: a fixed upgrade or a newer worker may take it. Anything else no retry can fix.
            outcome = decoded.retry
              ? { kind: "failed", error: decoded.error }
              : { kind: "killed", reason: boundedReason(describeError(decoded.error)), error: decoded.error };
          } else {
            if (events.listens("job:start")) {
              events.emit("job:start", { queue: queue.name, msgId: message.msgId, attempt: message.readCt });
            }
            const startedAt = Date.now();
            outcome =
              span === null
                ? await this.#runHandler(decoded.job, hidden)
                : await span.within(() => this.#runHandler(decoded.job, hidden));
            const finishedAt = Date.now();
            durationMs = finishedAt - startedAt;
            // Left behind by stop(): the heartbeat was stopped on purpose, #settle reports the ending.
            if (finishedAt > hidden.visibleAt && !this.#options.aborts.leftBehind) {
              this.#warnLeaseExpired(hidden, finishedAt);
            }
          }
        }
      } finally {
        heartbeat.remove(hidden);
        handlerSettled = true;
        running.handlerSettled();
      }
      this.#settle(message, outcome, hidden.visibleAt, durationMs, span);
      ackHandedOver = true;
    } catch (error) {
      span?.end("lost", error);
      events.error(error);
    } finally {
      if (!handlerSettled) running.handlerSettled();
      if (!ackHandedOver) running.finished();
    }
  }

  /** The message's job; on failure the error, naming the message, and whether a retry may succeed. */
  #decode(message: ReadMessage): { ok: true; job: unknown } | { ok: false; error: unknown; retry: boolean } {
    try {
      return { ok: true, job: this.#options.queue.definition.codec.decode(message.message, message.headers) };
    } catch (error) {
      if (isInstance(error, UpgradeError)) {
        return { ok: false, error: (error as UpgradeError).withMsgId(message.msgId), retry: true };
      }
      if (isInstance(error, NewerVersionError)) {
        return { ok: false, error: (error as NewerVersionError).withMsgId(message.msgId), retry: true };
      }
      return {
        ok: false,
        error: isInstance(error, DecodeError) ? (error as DecodeError).withMsgId(message.msgId) : error,
        retry: false,
      };
    }
  }

  /**
   * A handler finished after its message's visibility timeout had passed
   * unextended: another worker may have run the job meanwhile. Said loudly,
   * with the fix and the cause the heartbeat saw: its extension waiting for
   * a connection of an exhausted pool (the ticks that found it still waiting
   * sampled the pool), else the event loop blocked (the longest gap between
   * ticks measures the block: CPU-bound work, a design problem of the
   * handler), else the database too slow or unreachable to answer in time.
   */
  #warnLeaseExpired(hidden: HiddenMessage, finishedAt: number): void {
    const { queue, heartbeat, events } = this.#options;
    const stalledMs = heartbeat.longestGap(hidden, finishedAt);
    const timeout = queue.visibilityTimeout;
    const text = hidden.waitedForPool
      ? `the handler finished ${seconds(finishedAt - hidden.visibleAt)} s after the message's visibility timeout ` +
        `(visibilityTimeout of ${timeout} s) had passed: the heartbeat's extension waited for a connection: every ` +
        "connection of the worker's pool was in use (each running transactional handler holds one for its whole " +
        "job; other workers and the application's queries on the same pool count too), so it was not written in " +
        "time and another worker may have run this job at the same time (the first run to finish acks it; the " +
        "others' acks are reported lost). Raise the pool's max or lower the concurrency of what shares it, or give " +
        "this worker a pool of its own."
      : stalledMs > 2 * heartbeat.interval
        ? `the handler finished ${seconds(finishedAt - hidden.visibleAt)} s after the message's visibility timeout ` +
          `had passed: the event loop was blocked for about ${seconds(stalledMs)} s at a stretch, more than the ` +
          `heartbeat can cover with the queue's visibilityTimeout of ${timeout} s, so another worker may have run ` +
          "this job at the same time (the first run to finish acks it; the others' acks are reported lost). " +
          "Raise visibilityTimeout above the longest time a handler blocks the event loop, or move CPU-bound " +
          "work to a worker thread (node:worker_threads) so the event loop stays free."
        : `the handler finished ${seconds(finishedAt - hidden.visibleAt)} s after the message's visibility timeout ` +
          `(visibilityTimeout of ${timeout} s) had passed: the heartbeat's extension was not written in time (the ` +
          "database was unreachable or slow), so another worker may have run this job at the same time (the first " +
          "run to finish acks it; the others' acks are reported lost).";
    events.error(new LeaseExpiredWarning(queue.name, hidden.message.msgId, text));
  }

  async #runHandler(job: unknown, hidden: HiddenMessage): Promise<Outcome> {
    const message = hidden.message;
    const abort = this.#options.aborts.add();
    const queue = this.#options.queue;
    // The heartbeat found the lease gone: tell a well-behaved handler to stop, its ack will not be written.
    hidden.onLeaseLost = () => abort.abort(new LeaseLostError(queue.name, message.msgId, message.readCt));
    const jobTimeout = queue.definition.options.jobTimeout;
    let timedOut: JobTimeoutError | null = null;
    // A long timer: jobTimeout may pass 2^31 ms, where Node's setTimeout fires at once. Unref'd: it only
    // aborts a signal, and must not keep alive a process whose handler was left behind by stop().
    const timer =
      jobTimeout === null
        ? null
        : setLongTimeout(() => {
            timedOut = new JobTimeoutError(
              `${queue.name} message ${message.msgId}: jobTimeout of ${jobTimeout} s passed`,
            );
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
        return await this.#runInTransaction(job, context, message, () => timedOut);
      }
      await queue.handle(job, context);
      // A handler that ignored its signal and returned late still timed out.
      if (timedOut !== null) throw timedOut;
      return DONE;
    } catch (error) {
      if (isInstance(error, TransactionConnectionLost)) return { kind: "released", error: (error as Error).cause };
      if (isInstance(error, TransactionLeftBehind)) return DONE;
      if (isInstance(error, UnrecoverableError)) {
        return { kind: "killed", reason: boundedReason(describeError(error)), error };
      }
      return { kind: "failed", error };
    } finally {
      hidden.onLeaseLost = null;
      timer?.clear();
      abort.close();
    }
  }

  /**
   * BEGIN, handler, ack, COMMIT on one pool client: the handler's writes and
   * the ack commit together or not at all. An ack that finds the message gone
   * (another run of it finished first) rolls back, so the handler's effects
   * happen once. The archive's row lock keeps another run's ack waiting until
   * this transaction ends, so two runs can never both commit.
   *
   * A lost connection is not the handler's failure. When the transaction's
   * client reported an error, or its ROLLBACK failed because its connection
   * is gone, or getting a connection and BEGIN failed with a connection
   * error, the run ends in `TransactionConnectionLost`: the message is
   * released with its attempt given back. (Checking the client, not only
   * the error the handler threw, keeps a handler whose own other connection
   * fails from retrying forever without counting.)
   */
  async #runInTransaction(
    job: unknown,
    context: RunningJobContext,
    message: ReadMessage,
    timedOut: () => JobTimeoutError | null,
  ): Promise<Outcome> {
    const { queue, client: pgmq, events } = this.#options;
    let client: pg.PoolClient;
    try {
      // A bounded wait: a pool with no free connection fails this attempt instead of hanging the job.
      client = await connectClient(pgmq.pool);
    } catch (error) {
      if (isConnectionError(error)) throw new TransactionConnectionLost("connect failed", { cause: error });
      throw error;
    }
    let connectionLost: unknown = null;
    // A checked-out client has no pool listener: an unlistened 'error' (backend killed) would crash the process.
    const onClientError = (error: Error): void => {
      connectionLost ??= error;
      events.error(error);
    };
    client.on("error", onClientError);
    let broken: Error | undefined;
    let began = false;
    try {
      await client.query("BEGIN");
      began = true;
      const transactional = RunningJobContext.withClient(context, client);
      try {
        await queue.handle(job, transactional);
        const timeout = timedOut();
        if (timeout !== null) throw timeout;
        // stop() has returned without this job: its ack is not written (the pool may be closed), so neither are its writes.
        if (this.#options.aborts.leftBehind) throw new TransactionLeftBehind("left behind by stop()");
        // Not fenced by the delivery, like every done ack (see `QueueAcks`): the job succeeded.
        const acked =
          queue.definition.options.onSuccess === "archive"
            ? await pgmq.archive(queue.name, [message.msgId], client)
            : await pgmq.delete(queue.name, [message.msgId], client);
        if (acked.length === 0) {
          await client.query("ROLLBACK");
          const error = new AckLostError({
            queue: queue.name,
            msgId: message.msgId,
            attempt: message.readCt,
            ack: "done",
            reason: "leaseLost",
          });
          return { kind: "lost", error: withRollbackNote(error) };
        }
        await client.query("COMMIT");
        return DONE_AND_ACKED;
      } catch (error) {
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
          if (isConnectionError(rollbackError)) connectionLost ??= rollbackError;
        });
        throw error;
      }
    } catch (error) {
      const lost = connectionLost !== null || (!began && isConnectionError(error));
      if (lost && !isInstance(error, UnrecoverableError)) {
        throw new TransactionConnectionLost("connection lost", { cause: error });
      }
      throw error;
    } finally {
      client.off("error", onClientError);
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than return it to the pool.
      client.release(broken ?? (connectionLost !== null ? (connectionLost as Error) : undefined));
    }
  }

  /** How an attempt ended, for its span and the duration histogram: a failed last attempt is killed. */
  #attemptOutcome(outcome: Outcome, attempt: number): AttemptOutcome {
    if (outcome.kind === "failed") return attempt < this.#options.queue.maxAttempts ? "failed" : "killed";
    if (outcome.kind === "alreadyDone") return "done";
    return outcome.kind;
  }

  /** The ack an outcome would have written. */
  #ackKindOf(outcome: Outcome, attempt: number): AckKind {
    if (outcome.kind === "released") return "release";
    if (outcome.kind === "failed" && attempt < this.#options.queue.maxAttempts) return "retry";
    return outcome.kind === "killed" || outcome.kind === "failed" ? "kill" : "done";
  }

  /**
   * Hands the outcome's ack to `QueueAcks`; once it is written the job's
   * event is emitted, and once it is written or not (reported as
   * `AckLostError`), the job is finished in `running`.
   */
  #settle(
    message: ReadMessage,
    outcome: Outcome,
    deadline: number,
    durationMs: number | null,
    span: AttemptTrace | null,
  ): void {
    const { queue, acks, events, running, aborts, telemetry } = this.#options;
    const attempt = message.readCt;
    const notWritten = (ack: AckKind, result: AckResult): void => {
      if (result === "written") return;
      const error = new AckLostError({
        queue: queue.name,
        msgId: message.msgId,
        attempt,
        ack,
        reason: ACK_LOST_REASONS[result],
      });
      span?.end("lost", error);
      events.error(error);
    };
    if (telemetry !== null && durationMs !== null) {
      telemetry.ran(queue.name, durationMs, this.#attemptOutcome(outcome, attempt));
    }
    if (aborts.leftBehind && outcome.kind !== "lost" && !(outcome.kind === "done" && outcome.acked)) {
      // Reported once, and nothing written: stop() has returned and the application may have closed the pool.
      const error = new AckLostError({
        queue: queue.name,
        msgId: message.msgId,
        attempt,
        ack: this.#ackKindOf(outcome, attempt),
        reason: "workerStopped",
      });
      events.error(queue.definition.options.transactional ? withRollbackNote(error) : error);
      span?.end("lost", error);
      running.finished();
      return;
    }
    if (outcome.kind === "done") {
      const completed = (): void => {
        span?.end("done");
        telemetry?.ended(queue.name, "done");
        if (events.listens("job:complete")) {
          events.emit("job:complete", {
            queue: queue.name,
            msgId: message.msgId,
            attempt,
            durationMs: durationMs ?? 0,
          });
        }
      };
      if (outcome.acked) {
        completed();
        running.finished();
        return;
      }
      acks.done(message, deadline, (result) => {
        if (result === "written") completed();
        else notWritten("done", result);
        running.finished();
      });
      return;
    }
    if (outcome.kind === "lost") {
      span?.end("lost", outcome.error);
      events.error(outcome.error);
      running.finished();
      return;
    }
    if (outcome.kind === "alreadyDone") {
      running.finished();
      return;
    }
    if (outcome.kind === "released") {
      acks.release(
        message,
        deadline,
        (result) => {
          if (result === "written") {
            span?.end("released", outcome.error);
            events.error(
              new Error(
                `${queue.name} message ${message.msgId} (attempt ${attempt}): the transaction's database connection ` +
                  `was lost mid-job (${describeError(outcome.error)}): rolled back and made visible again with ` +
                  "its attempt given back (a lost connection does not count against maxRetries)",
                { cause: outcome.error },
              ),
            );
          } else notWritten("release", result);
          running.finished();
        },
        { returnAttempt: true },
      );
      return;
    }
    const event = { queue: queue.name, msgId: message.msgId, attempt };
    if (outcome.kind === "failed" && attempt < queue.maxAttempts) {
      const retryInSeconds = retryDelaySeconds(queue.backoff, attempt);
      acks.retry(message, retryInSeconds, deadline, (result) => {
        if (result === "written") {
          span?.end("failed", outcome.error);
          telemetry?.ended(queue.name, "failed");
          events.emit("job:fail", { ...event, error: outcome.error, retryInSeconds });
        } else notWritten("retry", result);
        running.finished();
      });
      return;
    }
    const reason =
      outcome.kind === "failed"
        ? boundedReason(
            `failed on its last attempt (${attempt} of ${queue.maxAttempts}): ${describeError(outcome.error)}`,
          )
        : outcome.reason;
    const error = outcome.error;
    const deadLetter = queue.definition.options.deadLetter;
    acks.kill(message, reason, deadline, (result) => {
      if (result === "written") {
        span?.end("killed", error, reason);
        telemetry?.ended(queue.name, "killed");
        events.emit("job:kill", { ...event, reason, deadLetter, ...(error !== undefined ? { error } : {}) });
      } else notWritten("kill", result);
      running.finished();
    });
  }
}

function withRollbackNote(error: AckLostError): AckLostError {
  error.message += " (the handler's transaction was rolled back, so its writes did not happen)";
  return error;
}

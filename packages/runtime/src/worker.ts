/**
 * The worker: runs the handlers of a set of queues in one process.
 *
 * `createQueueWorker` is what generated code calls. The pieces live under
 * `worker/`, one concern each:
 * - `workerSettings.ts`: options and definitions resolved and checked;
 * - `queueFetcher.ts`: one read loop per queue into a prefetch buffer
 *   (`prefetchBuffer.ts`), jobs started from it as `jobSlots.ts` allows;
 * - `jobRunner.ts`: one message from decode to ack decision;
 * - `queueAcks.ts` / `ackBatcher.ts`: acks batched into one statement each;
 * - `visibilityHeartbeat.ts`: keeps buffered and running messages hidden;
 * - `notifyListener.ts`: LISTEN/NOTIFY wake-ups;
 * - `signalHandlers.ts`: SIGINT/SIGTERM;
 * - `../telemetry/`: spans and metrics, when `@opentelemetry/api` is installed.
 * This file wires them and orders start and stop.
 */
import { setMaxListeners } from "node:events";
import type pg from "pg";
import {
  clientConfigFor,
  getConfiguredLogger,
  getPool,
  heldConnections,
  holdConnections,
  isPoolExhausted,
  onPoolError,
  SPARE_CONNECTIONS,
} from "./connection.js";
import { databaseTarget } from "./connectionFailure.js";
import { createStderrLogger } from "./logging/stderrLogger.js";
import { WorkerLog } from "./logging/workerLog.js";
import { settlesWithin } from "./longTimeout.js";
import { pgmqClientFor } from "./pgmq.js";
import type { Worker, WorkerEvents, WorkerOptions } from "./types.js";
import { ACK_BATCH_MAX } from "./worker/ackBatcher.js";
import { ArchivePruner } from "./worker/archivePruner.js";
import { JobAborts } from "./worker/jobAborts.js";
import { JobRunner, WorkerStoppingError } from "./worker/jobRunner.js";
import { JobSlots } from "./worker/jobSlots.js";
import { NotifyListener } from "./worker/notifyListener.js";
import { QueueAcks } from "./worker/queueAcks.js";
import { QueueFetcher } from "./worker/queueFetcher.js";
import { RunningJobs } from "./worker/runningJobs.js";
import { installSignalHandlers } from "./worker/signalHandlers.js";
import { VisibilityHeartbeat } from "./worker/visibilityHeartbeat.js";
import { WorkerEventEmitter } from "./worker/workerEvents.js";
import { workerTelemetry } from "./telemetry/telemetryLoader.js";
import type { DepthWatch } from "./telemetry/telemetryTypes.js";
import { type QueueDefinitions, resolveWorkerSettings, type WorkerSettings } from "./worker/workerSettings.js";

export { JobTimeoutError, WorkerStoppingError } from "./worker/jobRunner.js";

/**
 * How long past `shutdownTimeout` stop() may take, at most. Milliseconds.
 * At `shutdownTimeout` running handlers' signals abort; this grace is for
 * them to return and for the acks of finished jobs to be written. Handlers
 * still running at its end are left behind (their messages reappear after
 * the visibility timeout), so stop() resolves within
 * `shutdownTimeout + STOP_GRACE_MS` whatever its handlers do. Documented on
 * `WorkerOptions.shutdownTimeout`.
 */
const STOP_GRACE_MS = 2000;
/** How long stop() keeps retrying acks that fail to write (within the bound above). Milliseconds. */
const ACK_DRAIN_MS = 5000;

interface QueueParts {
  readonly acks: QueueAcks;
  readonly running: RunningJobs;
  readonly heartbeat: VisibilityHeartbeat;
  readonly fetcher: QueueFetcher;
}

interface Running {
  readonly queues: readonly QueueParts[];
  readonly loops: Promise<void>;
  readonly listener: NotifyListener | null;
  readonly pruner: ArchivePruner;
  readonly stopReading: AbortController;
  readonly abortJobs: JobAborts;
  readonly removePoolErrorListener: () => void;
  readonly removeSignalHandlers: () => void;
  /** Gives back the room made in the runtime's own pool for transactional handlers. */
  readonly releasePoolRoom: () => void;
  readonly depthGauge: DepthWatch | null;
}

/** Connections transactional handlers can hold at once: each holds one for its whole job. */
function transactionalSlots(settings: WorkerSettings): number {
  const perQueue = settings.queues
    .filter((queue) => queue.definition.options.transactional)
    .reduce((sum, queue) => sum + queue.concurrency, 0);
  return Math.min(settings.concurrency, perQueue);
}

/**
 * A pool the application gave that cannot hold every transactional handler's
 * connection plus the spare ones would deadlock (a handler pushing a
 * follow-up waits for a connection the others hold) and starve heartbeats:
 * refuse it up front. `total` counts the transactional slots of every
 * running worker of the process on this pool, this one's (`held`) included:
 * each worker checking its own alone let two share a pool too small for both.
 */
function checkPoolRoom(pool: pg.Pool, held: number, total: number): void {
  const max = pool.options.max ?? 10;
  const needed = total + SPARE_CONNECTIONS;
  if (held === 0 || max >= needed) return;
  const others = total - held;
  const lower = max - SPARE_CONNECTIONS - others;
  throw new Error(
    `pgmq-gen worker: the pool max of ${max} is too small: up to ${total} transactional jobs run at once` +
      (others > 0 ? ` (${held} of this worker, ${others} of other running workers on this pool)` : "") +
      `, each holding a connection for its whole job, and reads, acks and pushes need ${SPARE_CONNECTIONS} more, ` +
      `so the pool needs at least ${needed}. Raise the pool's max to ${needed}` +
      (lower >= 1 ? ` or lower concurrency to ${lower} (or the transactional queues' queues.<name>.concurrency)` : "") +
      (others > 0 ? ", or give this worker a pool of its own" : "") +
      "; or let the runtime create its pool (configure({ connectionString })), which it sizes itself.",
  );
}

/** Milliseconds from now until `moment` (epoch ms); 0 once it has passed. */
function msUntil(moment: number): number {
  return Math.max(0, moment - Date.now());
}

class QueueWorker implements Worker {
  readonly #settings: WorkerSettings;
  readonly #poolOption: pg.Pool | undefined;
  readonly #events = new WorkerEventEmitter();
  #starting: Promise<void> | null = null;
  /** Rejects the pending start() when stop() gives up waiting for it. */
  #abandonStart: ((error: Error) => void) | null = null;
  #running: Running | null = null;
  #stopping: Promise<void> | null = null;
  /** Made at the first start(), when `configure()` has had its chance to set a logger; null when logging is off. */
  #log: WorkerLog | null | undefined;

  constructor(settings: WorkerSettings, pool: pg.Pool | undefined) {
    this.#settings = settings;
    this.#poolOption = pool;
  }

  on<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  off<E extends keyof WorkerEvents>(event: E, listener: (...args: WorkerEvents[E]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  start(): Promise<void> {
    if (this.#stopping !== null) return Promise.reject(new Error("pgmq-gen worker: start() after stop()"));
    if (this.#starting === null) {
      const started = this.#start().catch((error: unknown) => {
        this.#starting = null;
        throw error;
      });
      // stop() does not wait past its deadline for a start() stuck connecting: it rejects this instead, and
      // #startOn, when its wait ends, finds #stopping and undoes what it set up.
      const abandoned = new Promise<never>((_resolve, reject) => {
        this.#abandonStart = reject;
      });
      this.#starting = Promise.race([started, abandoned]);
    }
    return this.#starting;
  }

  async #start(): Promise<void> {
    const settings = this.#settings;
    const pool = this.#poolOption ?? getPool();
    this.#log ??= this.#createLog(pool);
    const held = transactionalSlots(settings);
    // Counted with every running worker's on this pool, before any await so two start() calls see each
    // other. The runtime's own pool grows by them; a pool the application gave must already be large enough.
    const releasePoolRoom = holdConnections(pool, held);
    try {
      checkPoolRoom(pool, held, heldConnections(pool));
      await this.#startOn(pool, releasePoolRoom);
    } catch (error) {
      releasePoolRoom();
      throw error;
    }
  }

  /** The worker's log, listening on its events; null when its logger (or configure()'s) is `false`. */
  #createLog(pool: pg.Pool): WorkerLog | null {
    const settings = this.#settings;
    const logger = settings.logger ?? getConfiguredLogger() ?? createStderrLogger();
    if (logger === false) return null;
    const queues = settings.queues.map((queue) => ({
      name: queue.name,
      concurrency: queue.concurrency,
      maxAttempts: queue.maxAttempts,
    }));
    const log = new WorkerLog(
      logger,
      { queues, concurrency: settings.concurrency, shutdownTimeout: settings.shutdownTimeout },
      () => databaseTarget(clientConfigFor(pool)),
    );
    log.listenTo(this.#events);
    return log;
  }

  async #startOn(pool: pg.Pool, releasePoolRoom: () => void): Promise<void> {
    const settings = this.#settings;
    const client = pgmqClientFor(pool);
    const telemetry = settings.telemetry === null ? null : await workerTelemetry();
    // Queues first, then their dead-letter queues: a missing one fails start() naming it.
    const deadLetters = settings.queues.flatMap((queue) => queue.definition.options.deadLetter ?? []);
    for (const name of new Set([...settings.queues.map((queue) => queue.name), ...deadLetters])) {
      await client.ensureQueue(name);
    }
    if (this.#stopping !== null) {
      releasePoolRoom();
      return;
    }

    const events = this.#events;
    // Idle pool clients whose backend dies emit 'error' on the pool; unlistened, it would crash the process.
    const removePoolErrorListener = onPoolError((error, errorPool) => {
      if (errorPool === pool) events.error(error);
    });

    const stopReading = new AbortController();
    // Each queue's fetcher and its waits listen on stopReading (a few per queue): not a leak.
    setMaxListeners(0, stopReading.signal);
    const abortJobs = new JobAborts();
    const slots = new JobSlots(settings.concurrency);
    // Filled below, complete before any fetcher runs.
    const workerAcks: QueueAcks[] = [];
    const queues = settings.queues.map((queue): QueueParts => {
      // One full ack statement in flight and one filling: past that, the database is not keeping up and no job starts.
      slots.addQueue(queue.name, queue.concurrency, 2 * ACK_BATCH_MAX);
      const options = queue.definition.options;
      const acks = new QueueAcks({
        queue: queue.name,
        client,
        onSuccess: options.onSuccess,
        deadLetter: options.deadLetter,
        onError: (error) => events.error(error),
      });
      workerAcks.push(acks);
      const heartbeat = new VisibilityHeartbeat(acks, queue.visibilityTimeout, () => isPoolExhausted(pool));
      const running = new RunningJobs(queue.name, slots);
      const runner = new JobRunner({ queue, client, acks, heartbeat, events, aborts: abortJobs, running, telemetry });
      const fetcher = new QueueFetcher({
        queue,
        client,
        slots,
        runner,
        running,
        acks,
        workerAcks,
        heartbeat,
        events,
        pollInterval: settings.pollInterval,
        stopSignal: stopReading.signal,
        onRead: () => this.#log?.reached(),
      });
      return { acks, running, heartbeat, fetcher };
    });

    let listener: NotifyListener | null = null;
    if (settings.listen) {
      const fetchers = new Map(settings.queues.map((queue, index) => [queue.name, queues[index]!.fetcher]));
      listener = new NotifyListener({
        connection: clientConfigFor(pool),
        queues: settings.queues.map((queue) => queue.name),
        onWake: (queue) => fetchers.get(queue)?.wake(),
        onError: (error) => events.error(error),
      });
      // Waits for the first connection attempt only; polling covers a listener that is still reconnecting.
      await listener.start();
      if (this.#stopping !== null) {
        // stop() gave up waiting for this start(): nothing may outlive it.
        void listener.close().catch(() => {});
        removePoolErrorListener();
        releasePoolRoom();
        return;
      }
    }

    const depthIntervalMs = settings.telemetry?.depthIntervalMs ?? 0;
    const depthGauge =
      telemetry === null || depthIntervalMs === 0
        ? null
        : telemetry.watchDepth(
            settings.queues.map((queue) => queue.name),
            pool,
            depthIntervalMs,
            (error) => events.error(error),
          );
    const loops = Promise.all(queues.map((parts) => parts.fetcher.run())).then(() => undefined);
    const pruner = new ArchivePruner({
      queues: settings.pruneArchive
        ? settings.queues.flatMap((queue) =>
            queue.archiveRetention !== null ? [{ name: queue.name, retentionSeconds: queue.archiveRetention }] : [],
          )
        : [],
      pool,
      intervalMs: settings.pruneInterval,
      events,
    });
    pruner.start();
    const removeSignalHandlers = settings.handleSignals ? installSignalHandlers(() => this.stop()) : () => {};
    this.#running = {
      queues,
      loops,
      listener,
      pruner,
      stopReading,
      abortJobs,
      removePoolErrorListener,
      removeSignalHandlers,
      releasePoolRoom,
      depthGauge,
    };
    this.#log?.started();
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const stopRequestedAt = Date.now();
    const shutdownTimeout = this.#settings.shutdownTimeout;
    // A start() in progress finishes first, so everything it set up is torn down; but one still connecting
    // (a server that never answers) is not waited for past shutdownTimeout: it rejects, and undoes its own
    // set-up when its wait ends (see #startOn). A connection attempt of the pool's ends at its connect timeout.
    const starting = this.#starting;
    if (
      starting !== null &&
      !(await settlesWithin(
        starting.catch(() => {}),
        shutdownTimeout,
      ))
    ) {
      this.#abandonStart?.(
        new WorkerStoppingError(
          "pgmq-gen worker: stop() was called while start() was still under way (connecting to the database or " +
            `creating queues) and did not finish within shutdownTimeout (${shutdownTimeout} ms): the worker did not start`,
        ),
      );
      return;
    }
    const running = this.#running;
    if (running === null) return;
    this.#running = null;
    this.#log?.stopping(running.queues.reduce((sum, parts) => sum + parts.running.handlersRunning, 0));
    // From here a second SIGINT/SIGTERM gets the default behaviour: the user can force an exit.
    running.removeSignalHandlers();
    running.depthGauge?.close();

    // Every wait below is raced against a deadline with settlesWithin, which clears its timer when the wait
    // ends first: a timer left pending would keep the process alive for up to shutdownTimeout after stop().
    // shutdownTimeout may pass 2^31 ms: settlesWithin uses the long timer.
    const deadline = stopRequestedAt + this.#settings.shutdownTimeout;
    const finalDeadline = deadline + STOP_GRACE_MS;

    // 1. No more reads; messages a read returns from now on are released at once.
    //    A read that hangs (unreachable server) is not waited for past the deadline.
    running.stopReading.abort();
    // Its timer is cleared now; a pass under way ends after its current batch, awaited below.
    const pruned = running.pruner.stop();
    await settlesWithin(running.loops, msUntil(deadline));

    // 2. Running handlers get until the shutdown deadline, then their signals abort and they get the grace.
    const handlers = () => Promise.all(running.queues.map((parts) => parts.running.handlersIdle()));
    if (!(await settlesWithin(handlers(), msUntil(deadline)))) {
      running.abortJobs.abortAll(
        new WorkerStoppingError(`worker stopping: shutdownTimeout of ${this.#settings.shutdownTimeout} ms passed`),
      );
      await settlesWithin(handlers(), msUntil(finalDeadline));
    }

    // 3. Acks of finished jobs (and releases) are written before stop() returns, retried for up to
    //    ACK_DRAIN_MS while the database is unreachable, never past the final deadline. Handlers that
    //    ignored their aborted signal are not waited for.
    const drainUntil = Math.min(finalDeadline, Date.now() + ACK_DRAIN_MS);
    await settlesWithin(
      Promise.all(running.queues.map((parts) => parts.acks.drain(drainUntil))).then(() =>
        Promise.all(running.queues.map((parts) => parts.running.acksSettled())),
      ),
      msUntil(drainUntil),
    );

    // 4. Handlers left behind: their messages reappear after the visibility timeout. One that returns
    //    later is reported as AckLostError (workerStopped) and writes nothing (see JobRunner).
    running.abortJobs.leaveBehind();
    for (const parts of running.queues) parts.heartbeat.close();
    if (running.listener !== null) await settlesWithin(running.listener.close(), msUntil(finalDeadline));
    // A pruning batch is one short statement; one the database does not answer is left to its statement timeout.
    await settlesWithin(pruned, msUntil(finalDeadline));
    running.removePoolErrorListener();
    running.releasePoolRoom();
    this.#log?.stopped(running.queues.reduce((sum, parts) => sum + parts.running.handlersRunning, 0));
  }
}

/**
 * Runs the handlers of the given queues in this process.
 *
 * `definitions`: the generated queue definitions, keyed by queue name (an
 * array is accepted too). `handlers`: one per queue this worker runs, a
 * function `(job, ctx)` or an object with a `handle(job, ctx)` method;
 * queues without a handler are not run, so one project can split its queues
 * over several processes. Throws `TypeError` at once for a handler without a
 * definition, no handlers at all, or an invalid option. `start()` rejects
 * with `QueueMissingError` when a queue (or its dead-letter queue) is
 * missing and autoCreate is off.
 */
export function createQueueWorker(
  definitions: QueueDefinitions,
  handlers: object,
  options: WorkerOptions = {},
): Worker {
  return new QueueWorker(resolveWorkerSettings(definitions, handlers, options), options.pool);
}

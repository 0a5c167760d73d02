/**
 * Typed producers: what `emailQueue.push(job)` runs. Turns each job into
 * its JSON form, validates that form with the queue's codec, makes sure
 * the queue exists, and sends the very JSON text that was validated.
 *
 * Queue creation (first push per pool, the queue and its dead-letter queue)
 * never runs inside the caller's transaction: DDL there would be rolled
 * back with it while the "queue exists" cache kept saying otherwise.
 * Without `client` it runs on the shared pool. With `client`, the queue is
 * looked up on that client, and only a missing one is created, on a
 * short-lived connection of its own: the caller may hold the pool's last
 * free connection, so the push never waits on the pool. That connection goes
 * to the client's database, which may not be the pool's (queueSetup.ts).
 * A push needs only the queue's tables, never its notify trigger, whose
 * creation waits for every transaction that wrote to the queue.
 *
 * Every message's headers carry the codec's schema version
 * (messageVersion.ts), so a worker knows which schema a payload was written
 * for, also after the queue's version is bumped. With `@opentelemetry/api`
 * installed, a push is traced and its trace context added to the headers
 * (telemetry/messageTracing.ts), once every option has been checked.
 */
import type pg from "pg";
import { getPool } from "./connection.js";
import { type JobIssues, ValidationError } from "./errors.js";
import { type PgmqClient, pgmqClientFor } from "./pgmq.js";
import { stampedHeadersJson } from "./messageVersion.js";
import { delayValue } from "./sql/sendMessages.js";
import { type StorableHeaders, toStorableHeaders } from "./storableJson.js";
import { cancelJob } from "./jobs.js";
import { pushTracing } from "./telemetry/telemetryLoader.js";
import type { CancelOptions, Producer, PushOptions, QueueDefinition, ValidationIssue } from "./types.js";

/** What a hole of a sparse `pushBatch` array is reported as. */
const HOLE: ValidationIssue = {
  pointer: "",
  message: "is a hole in a sparse array: every index of the array given to pushBatch must hold a job",
  keyword: "json",
};

/** Holes of a sparse `pushBatch` array listed by index in the error; the rest are counted. */
const HOLES_LISTED = 20;

/**
 * The holes of `jobs` from `first` (itself a hole): how many, and the first
 * few indexes. In time bounded by the jobs present, not the array's length
 * (a sparse array may claim 2^32 - 1 slots): `Object.keys` lists only the
 * indexes present, and every other index is a hole.
 */
function findHoles(jobs: readonly unknown[], first: number): { count: number; indexes: number[] } {
  const length = jobs.length;
  const present: number[] = [];
  for (const key of Object.keys(jobs)) {
    const index = Number(key);
    // Only canonical index keys ("7", not "07" or "length") name slots.
    if (Number.isInteger(index) && String(index) === key && index > first && index < length) present.push(index);
  }
  present.sort((a, b) => a - b);
  const indexes: number[] = [];
  let next = 0;
  for (let index = first; index < length && indexes.length < HOLES_LISTED; index++) {
    if (next < present.length && present[next] === index) next++;
    else if (!(index in jobs)) indexes.push(index);
  }
  return { count: length - first - present.length, indexes };
}

/** A transform's `encode` or a `toJSON` threw for job `index` of a batch: their error, naming where. */
function encodeFailure(queue: string, index: number, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `${queue}: job ${index} of the batch could not be encoded (the queue's transform or a toJSON threw): ${reason}; ` +
      "nothing was sent",
    { cause },
  );
}

export function createProducer<TName extends string, TJob>(definition: QueueDefinition<TName, TJob>): Producer<TJob> {
  const { name: queue, codec } = definition;
  const deadLetter = definition.options.deadLetter;

  /** The queue and its dead-letter queue exist (created on first use unless autoCreate is off); cached per pool. */
  async function ensured(client: pg.ClientBase | undefined): Promise<PgmqClient> {
    const pgmq = pgmqClientFor(getPool());
    // The tables are enough to push: a missing notify trigger is the worker's to add (see ensureQueue).
    await pgmq.ensureQueue(queue, client, { tablesOnly: true });
    if (deadLetter !== null) await pgmq.ensureQueue(deadLetter, client, { tablesOnly: true });
    return pgmq;
  }

  /**
   * Checks a push's options before anything is sent or created (a
   * ValidationError for the headers, a RangeError for the delay) and gives
   * the headers' JSON text, stamped with the codec's version. Without the
   * caller's headers the stamp may be left out where the table cannot hold
   * headers (PGMQ before 1.5); a caller's headers never are.
   */
  function checkOptions(options: PushOptions): {
    headersJson: (traceHeaders: Readonly<Record<string, string>> | null) => string;
    callerHeaders: StorableHeaders | null;
    headersOptional: boolean;
  } {
    const headers = toStorableHeaders(options.headers);
    if (!headers.ok) throw ValidationError.forHeaders(queue, headers.issues);
    delayValue(options.delay);
    return {
      headersJson: (traceHeaders) => stampedHeadersJson(headers.headers, codec.version, traceHeaders),
      callerHeaders: headers.headers,
      headersOptional: headers.headers === null,
    };
  }

  /** Runs `send` in a push's span when pushes are traced, with the trace headers to store; else as is. */
  async function traced<T>(
    count: number,
    callerHeaders: StorableHeaders | null,
    send: (traceHeaders: Readonly<Record<string, string>> | null) => Promise<T>,
  ): Promise<T> {
    const messageTracing = await pushTracing();
    if (messageTracing === null) return send(null);
    return messageTracing.send(queue, count, callerHeaders?.value ?? null, send);
  }

  return {
    queue,

    async push(job: TJob, options: PushOptions = {}): Promise<bigint> {
      const { json } = codec.encodeJson(job);
      const { headersJson, callerHeaders, headersOptional } = checkOptions(options);
      return traced(1, callerHeaders, async (traceHeaders) => {
        const pgmq = await ensured(options.client);
        return pgmq.sendJson(queue, json, {
          delay: options.delay,
          headersJson: headersJson(traceHeaders),
          headersOptional,
          ...(options.client !== undefined ? { client: options.client } : {}),
        });
      });
    },

    async pushBatch(jobs: readonly TJob[], options: PushOptions = {}): Promise<bigint[]> {
      // Every job is checked before anything is sent: one invalid job sends none.
      const messages: string[] = [];
      const failures: JobIssues[] = [];
      // A for loop, not forEach: forEach skips a sparse array's holes, and `[, job]` would get one id for two slots.
      for (let index = 0; index < jobs.length; index++) {
        if (!(index in jobs)) {
          // The jobs after a hole go unchecked: walking every slot of a sparse array could take minutes.
          const holes = findHoles(jobs, index);
          const listed = holes.indexes.map((hole): JobIssues => ({ index: hole, issues: [HOLE] }));
          const counted = holes.count > listed.length ? { holes: holes.count } : {};
          throw ValidationError.forBatch(queue, [...failures, ...listed], counted);
        }
        try {
          messages.push(codec.encodeJson(jobs[index] as TJob).json);
        } catch (error) {
          // Not the job's fault but the user's code: their error as the cause, under one that names the job.
          if (!(error instanceof ValidationError)) throw encodeFailure(queue, index, error);
          failures.push({ index, issues: error.issues });
        }
      }
      if (failures.length > 0) throw ValidationError.forBatch(queue, failures);
      const { headersJson, callerHeaders, headersOptional } = checkOptions(options);
      if (messages.length === 0) return [];
      return traced(messages.length, callerHeaders, async (traceHeaders) => {
        const pgmq = await ensured(options.client);
        return pgmq.sendJsonBatch(queue, messages, {
          delay: options.delay,
          headersJson: headersJson(traceHeaders),
          headersOptional,
          ...(options.client !== undefined ? { client: options.client } : {}),
        });
      });
    },

    cancel(msgId: bigint, options: CancelOptions = {}) {
      return cancelJob(queue, msgId, { deadLetterQueue: deadLetter, db: options.client ?? getPool() });
    },
  };
}

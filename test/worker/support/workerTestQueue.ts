/**
 * What the worker tests share: queue definitions built the way generated code
 * builds them (an ajv validator compiled here, bound by `createQueueCodec`),
 * direct looks at PGMQ's tables, and a way to wait for a condition.
 */
import { Ajv } from "ajv";
import type pg from "pg";
import { createQueueCodec } from "../../../packages/runtime/src/codec.js";
import type {
  CompiledValidator,
  QueueDefinition,
  QueueOptions,
  Worker,
  WorkerEvents,
} from "../../../packages/runtime/src/types.js";

/** A job of the test queues. */
export interface TestJob {
  n: number;
  /** Milliseconds the handler works on it, when a test's handler reads it. */
  sleepMs?: number;
  /** Milliseconds the handler busy-waits (blocks the event loop), when a test's handler reads it. */
  busyMs?: number;
}

export const testJobSchema = {
  type: "object",
  additionalProperties: false,
  required: ["n"],
  properties: {
    n: { type: "integer" },
    sleepMs: { type: "integer", minimum: 0 },
    busyMs: { type: "integer", minimum: 0 },
  },
} as const;

export const defaultTestQueueOptions: QueueOptions = {
  visibilityTimeout: 30,
  maxRetries: 3,
  backoff: { kind: "fixed", delay: 0.2 },
  onSuccess: "archive",
  deadLetter: null,
  transactional: false,
  jobTimeout: null,
};

export function testQueue(name: string, options: Partial<QueueOptions> = {}): QueueDefinition<string, TestJob> {
  const validator = new Ajv({ allErrors: true, strict: true }).compile(testJobSchema) as CompiledValidator;
  return {
    name,
    options: { ...defaultTestQueueOptions, ...options },
    codec: createQueueCodec<TestJob>({ queue: name, validator }),
  };
}

export interface MessageState {
  msgId: bigint;
  readCt: number;
  /** Seconds from now (database clock) until the message is visible; negative when visible. */
  visibleIn: number;
  message: unknown;
  headers: Record<string, unknown> | null;
}

/** The rows of `pgmq.q_<queue>`, by id. */
export async function queueRows(pool: pg.Pool, queue: string): Promise<MessageState[]> {
  const { rows } = await pool.query(
    `SELECT msg_id::text AS msg_id, read_ct, extract(epoch FROM vt - clock_timestamp())::float8 AS visible_in, message, headers
       FROM pgmq.q_${queue} ORDER BY msg_id`,
  );
  return rows.map((row) => ({
    msgId: BigInt(row.msg_id),
    readCt: row.read_ct,
    visibleIn: row.visible_in,
    message: row.message,
    headers: row.headers,
  }));
}

/** Ids in `pgmq.a_<queue>`. */
export async function archivedIds(pool: pg.Pool, queue: string): Promise<bigint[]> {
  const { rows } = await pool.query(`SELECT msg_id::text AS msg_id FROM pgmq.a_${queue} ORDER BY msg_id`);
  return rows.map((row) => BigInt(row.msg_id));
}

/** Writes a message straight into the queue table, as a foreign producer might. */
export async function insertRawMessage(
  pool: pg.Pool,
  queue: string,
  messageJson: string | null,
  options: { readCt?: number } = {},
): Promise<bigint> {
  const { rows } = await pool.query(
    `INSERT INTO pgmq.q_${queue} (vt, message, read_ct) VALUES (clock_timestamp(), $1::jsonb, $2) RETURNING msg_id::text AS msg_id`,
    [messageJson, options.readCt ?? 0],
  );
  return BigInt(rows[0].msg_id);
}

/** Polls `check` every 20 ms until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A promise with its resolve function outside, for handlers that tests release by hand. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Every job event and error `worker` emits from now on, by kind, in order. */
export function collectWorkerEvents(worker: Worker) {
  const completes: WorkerEvents["job:complete"][0][] = [];
  const fails: WorkerEvents["job:fail"][0][] = [];
  const kills: WorkerEvents["job:kill"][0][] = [];
  const errors: unknown[] = [];
  worker.on("job:complete", (event) => completes.push(event));
  worker.on("job:fail", (event) => fails.push(event));
  worker.on("job:kill", (event) => kills.push(event));
  worker.on("error", (error) => errors.push(error));
  return { completes, fails, kills, errors };
}

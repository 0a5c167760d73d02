/** What the interop tests share about queues: a definition for the runtime's API, PGMQ's row shape, and waiting. */
import {
  createQueueCodec,
  type CompiledValidator,
  type QueueDefinition,
  type QueueOptions,
} from "../../packages/runtime/src/index.js";

export interface InteropJob {
  [key: string]: unknown;
}

/** Accepts any JSON object: the interop tests are about the database, not validation. */
const acceptObjects: CompiledValidator = Object.assign(
  (data: unknown) => {
    const ok = data !== null && typeof data === "object" && !Array.isArray(data);
    acceptObjects.errors = ok ? null : [{ instancePath: "", keyword: "type", message: "must be object", params: {} }];
    return ok;
  },
  { errors: null },
);

const interopOptions: QueueOptions = {
  visibilityTimeout: 30,
  maxRetries: 2,
  backoff: { kind: "fixed", delay: 1 },
  onSuccess: "archive",
  deadLetter: null,
  transactional: false,
  jobTimeout: null,
};

export function definition(queue: string): QueueDefinition<string, InteropJob> {
  return {
    name: queue,
    options: interopOptions,
    codec: createQueueCodec<InteropJob>({ queue, validator: acceptObjects }),
  };
}

/** A row of `pgmq.read`, `pgmq.pop` or a queue table. */
export interface PgmqReadRow {
  msg_id: string;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  message: unknown;
  headers: unknown;
  last_read_at?: Date | null;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds until `condition` held; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition()) return Date.now() - started;
    await sleep(25);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

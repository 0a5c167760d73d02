/**
 * The shape of `pgmq.config.ts`: what a team writes to declare its queues.
 *
 * Glossary:
 * - queue key: the key under `queues`; it is also the PGMQ queue name (`pgmq.q_<key>`).
 * - attempt: one delivery of a message to a handler; PGMQ counts them in `read_ct`.
 * - killed: a job that must not run again; it is dead-lettered or deleted.
 *
 * This module is imported by users' config files, so it must stay free of
 * compiler dependencies (no ts-morph, no cosmiconfig).
 */
import type { JSONSchema } from "./jsonSchema.js";

/** How long a failed job waits before its next attempt. */
export type BackoffConfig = ExponentialBackoffConfig | FixedBackoffConfig;

export interface ExponentialBackoffConfig {
  kind: "exponential";
  /** Delay before the second attempt, in seconds. (Default: 1) */
  initial?: number;
  /** Each further attempt waits this many times longer. (Default: 2) */
  factor?: number;
  /** Upper bound of any delay, in seconds. (Default: 300) */
  max?: number;
  /** Spread each delay uniformly over [0, delay] so retries do not arrive in step. (Default: true) */
  jitter?: boolean;
}

export interface FixedBackoffConfig {
  kind: "fixed";
  /** Delay before every further attempt, in seconds. */
  delay: number;
}

export interface QueueConfig {
  /**
   * The job payload's JSON Schema: a file name relative to `schemasDir`
   * (`"email.schema.json"`), or an inline JSON Schema object. The file, and
   * every file it `$ref`s, must be inside the config file's folder or
   * `schemasDir` (see `allowSchemasOutsideProject`).
   */
  schema: string | JSONSchema;
  /**
   * Seconds a read message stays invisible to other workers. While a handler
   * runs, a heartbeat extends it (at half the timeout, by the full timeout),
   * but the heartbeat is a timer on the event loop: a handler that blocks the
   * loop (synchronous, CPU-bound work) longer than about half this timeout
   * lets the message reappear, and another worker may run the same job at the
   * same time. The first run to finish acks it (archived once): its worker
   * sends that ack before it starts another handler (if the queue's previous
   * ack statement has not returned yet, in the first turn of the event loop
   * that reads its reply) and never runs the job again. Another worker may
   * still run it while it runs, or start it after it finished when its read
   * reached the database before the ack; those runs' acks match nothing and
   * are reported as `AckLostError`, and the worker reports
   * `LeaseExpiredWarning` naming the job and the blocked time. Set it
   * above the longest time a handler blocks the event loop, or move CPU-bound
   * work to a worker thread (`node:worker_threads`).
   * (Default: 30)
   */
  visibilityTimeout?: number;
  /** Retries after the first attempt; attempts = maxRetries + 1. (Default: 5) */
  maxRetries?: number;
  /** Delay between attempts. (Default: `{ kind: "exponential", initial: 1, factor: 2, max: 300, jitter: true }`) */
  backoff?: BackoffConfig;
  /** What happens to a job whose handler returned. (Default: "archive") */
  onSuccess?: "archive" | "delete";
  /** Queue that receives killed jobs instead of their being deleted. (Default: none) */
  deadLetter?: string;
  /**
   * How long archived jobs (`pgmq.a_<queue>`) are kept: a duration such as
   * `"90s"`, `"30m"`, `"12h"`, `"7d"` or `"2w"`, or a number of seconds, up
   * to 10^9 s (31.7 years). Workers running the queue delete older archive
   * rows every minute, in batches of 1000, one process at a time (turn it
   * off with the worker option `pruneArchive: false`); `pgmq-gen prune`
   * does it on demand. Without it the archive is kept forever, as PGMQ
   * keeps it: deleting a team's job history is a choice it makes, not a
   * default it discovers. (Default: none)
   */
  archiveRetention?: string | number;
  /**
   * Run the handler inside a transaction that also acks the message; the
   * handler's context then carries the transaction's `client`. A lost
   * connection gives the attempt back instead of using it up, except when
   * the database stays unreachable past the visibility timeout (see
   * `QueueOptions.transactional` in the runtime for exactly when). (Default: false)
   */
  transactional?: boolean;
  /** Seconds after which a running handler's signal is aborted and the attempt counts as failed. (Default: none) */
  jobTimeout?: number;
  /**
   * Module that turns a validated payload into the stored JSON value and back,
   * relative to the config file; it must export `encode` and `decode`.
   * (Default: plain JSON, the payload is stored as it is)
   */
  codec?: string;
  /** A sentence for the generated code's JSDoc. (Default: the schema's `description`) */
  description?: string;
  /**
   * Which payloads a change of `schema` must keep valid, checked on every
   * generate against the schema recorded in `pgmq.lock.json`:
   * `"backward"`: every payload valid under the old schema is valid under the
   * new one (the new worker accepts what is queued and what producers not yet
   * deployed send; deploy workers first); `"forward"`: every payload valid
   * under the new schema is valid under the old one (old workers accept what
   * new producers send; deploy producers first); `"full"`: both; `"none"`: no
   * check. A change the mode refuses needs a new `version`. See
   * docs/schema-evolution.md. (Default: "backward")
   */
  compatibility?: "backward" | "forward" | "full" | "none";
  /**
   * The payload schema's version, a whole number from 1. Bump it for a change
   * `compatibility` refuses, keep the version before in `previous`, and give
   * an `upgrade` module: workers upgrade queued messages of older versions
   * to this one before the handler sees them. Producers stamp it into each
   * message's headers (`x-pgmq-gen-version`). (Default: 1)
   */
  version?: number;
  /**
   * The schemas of older versions that may still be queued, keyed by
   * version: `{ 1: "signup-email.v1.schema.json" }` (a file name relative to
   * `schemasDir`, or an inline schema). The versions must run without a gap
   * up to `version - 1`; the oldest may be dropped once no message of it is
   * queued (`pgmq-gen versions` counts them). `pgmq-gen --write-previous`
   * writes a missing file from `pgmq.lock.json`. (Default: none)
   */
  previous?: Record<number, string | JSONSchema>;
  /**
   * Module whose default export upgrades older payloads, relative to the
   * config file: an object with one function per version in `previous`,
   * `from1(job: XJobV1)` returning the version after it, which the generated
   * `<Queue>Upgrades` interface types. Required with `previous`. (Default: none)
   */
  upgrade?: string;
}

export interface PgmqGenConfig {
  /** Folder holding the JSON Schema files, relative to the config file. (Default: "schemas") */
  schemasDir?: string;
  /**
   * Read schema files (a queue's `schema` or a `$ref`) outside the project.
   * By default pgmq-gen reads schema files only inside the config file's
   * folder and `schemasDir` (links are followed to their real path first),
   * so a path such as `"../../../../etc/passwd"` is refused before it is
   * read. Set `true` for schemas kept elsewhere on purpose, such as a
   * sibling repository. (Default: false)
   */
  allowSchemasOutsideProject?: boolean;
  /**
   * What to do with a schema `pattern` (or `patternProperties` key) that can
   * take exponential or polynomial time to match a crafted string
   * (catastrophic backtracking, as in `^(a+)+$`): one such string in a push,
   * or in a message another client wrote, blocks the producer's or worker's
   * event loop for seconds or more. `"warn"` prints a warning naming the
   * schema file, queue and JSON pointer (and lists it in `generate()`'s
   * `warnings`) and generates anyway; `"error"` fails the build instead;
   * `"off"` does not check. (Default: "warn")
   */
  unsafePatterns?: "warn" | "error" | "off";
  /**
   * Folder the generated TypeScript is written to, relative to the config file.
   * pgmq-gen never overwrites or removes a file there that does not start with
   * its do-not-edit banner: a run that would fails naming the file, and writes
   * nothing. (Default: "generated")
   */
  outDir?: string;
  /**
   * Module specifier the generated code imports the runtime from: the
   * `@pgmq-gen/runtime` package, which is all a worker needs installed.
   * (Default: "@pgmq-gen/runtime")
   */
  runtimeImport?: string;
  /** The queues, keyed by PGMQ queue name (`^[a-z][a-z0-9_]{0,46}$`). */
  queues: Record<string, QueueConfig>;
}

/** Types a `pgmq.config.ts`; returns its argument unchanged. */
export function defineConfig(config: PgmqGenConfig): PgmqGenConfig {
  return config;
}

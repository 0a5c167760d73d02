/**
 * The rules for one entry of `queues`. Each option is checked on its own so
 * every mistake in a queue is reported, not just the first.
 */
import { isQueueName, MAX_DATABASE_SECONDS, QUEUE_DEFAULTS, QUEUE_NAME_RULE } from "@pgmq-gen/runtime/contract";
import { type ConfigIssues, isRecord } from "./configIssues.js";
import { DURATION_RULE, durationSeconds } from "./duration.js";
import { validateQueueEvolution } from "./validateEvolution.js";

export const QUEUE_OPTIONS = [
  "schema",
  "visibilityTimeout",
  "maxRetries",
  "backoff",
  "onSuccess",
  "deadLetter",
  "archiveRetention",
  "transactional",
  "jobTimeout",
  "codec",
  "description",
  "compatibility",
  "version",
  "previous",
  "upgrade",
] as const;

const EXPONENTIAL_BACKOFF_OPTIONS = ["kind", "initial", "factor", "max", "jitter"] as const;
const FIXED_BACKOFF_OPTIONS = ["kind", "delay"] as const;

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** The runtime's limit on durations PostgreSQL adds to a timestamp, in words (every worker refuses more). */
const DATABASE_SECONDS_RULE = `at most ${MAX_DATABASE_SECONDS} seconds (31.7 years: PostgreSQL adds it to a timestamp)`;

/** Checks one queue's options (whatever its key; the key's own rule is checked by the caller). */
export function validateQueue(key: string, queue: unknown, issues: ConfigIssues): void {
  const prefix = `queues.${key}`;
  const at = (option: string) => ({ option: `${prefix}.${option}`, queue: key });
  if (!isRecord(queue)) {
    issues.expected('an object of queue options such as { schema: "email.schema.json" }', queue, {
      option: prefix,
      queue: key,
    });
    return;
  }
  issues.unknownKeys(queue, QUEUE_OPTIONS, { prefix, queue: key });

  const { schema } = queue;
  if (schema === undefined) {
    issues.add(
      "missing required option: expected a schema file name (relative to schemasDir) or an inline JSON Schema object",
      at("schema"),
    );
  } else if (!(typeof schema === "string" && schema.length > 0) && !isRecord(schema)) {
    issues.expected(
      "a schema file name (relative to schemasDir) or an inline JSON Schema object",
      schema,
      at("schema"),
    );
  }

  const { visibilityTimeout, maxRetries, jobTimeout } = queue;
  if (visibilityTimeout !== undefined && !(Number.isInteger(visibilityTimeout) && (visibilityTimeout as number) > 0)) {
    issues.expected(
      "a positive whole number of seconds (PGMQ's visibility timeout is in integer seconds)",
      visibilityTimeout,
      at("visibilityTimeout"),
    );
  } else if (visibilityTimeout !== undefined && (visibilityTimeout as number) > MAX_DATABASE_SECONDS) {
    issues.expected(`a visibility timeout of ${DATABASE_SECONDS_RULE}`, visibilityTimeout, at("visibilityTimeout"));
  }
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && (maxRetries as number) >= 0)) {
    issues.expected("an integer >= 0 (retries after the first attempt)", maxRetries, at("maxRetries"));
  }
  if (jobTimeout !== undefined && !(isFiniteNumber(jobTimeout) && jobTimeout > 0)) {
    issues.expected("a positive number of seconds", jobTimeout, at("jobTimeout"));
  }

  if (queue.backoff !== undefined) validateBackoff(queue.backoff, issues, key);

  const { onSuccess, deadLetter, transactional, codec, description } = queue;
  if (onSuccess !== undefined && onSuccess !== "archive" && onSuccess !== "delete") {
    issues.expected('"archive" or "delete"', onSuccess, at("onSuccess"));
  }
  if (deadLetter !== undefined) {
    if (!isQueueName(deadLetter)) {
      issues.expected(QUEUE_NAME_RULE, deadLetter, at("deadLetter"));
    } else if (deadLetter === key) {
      issues.add(
        `a queue cannot be its own dead-letter queue; name another queue such as "${key}_dead"`,
        at("deadLetter"),
      );
    }
  }
  validateArchiveRetention(queue.archiveRetention, issues, key);
  if (transactional !== undefined && typeof transactional !== "boolean") {
    issues.expected("true or false", transactional, at("transactional"));
  }
  if (codec !== undefined && !(typeof codec === "string" && codec.length > 0)) {
    issues.expected("a module path relative to the config file, exporting encode and decode", codec, at("codec"));
  }
  if (description !== undefined && typeof description !== "string") {
    issues.expected("a string", description, at("description"));
  }
  validateQueueEvolution(key, queue, issues);
}

function validateArchiveRetention(retention: unknown, issues: ConfigIssues, key: string): void {
  if (retention === undefined) return;
  const at = { option: `queues.${key}.archiveRetention`, queue: key };
  const seconds = durationSeconds(retention);
  if (seconds === null || seconds < 1) {
    issues.expected(`${DURATION_RULE} (at least 1 second; leave it out to keep archived jobs forever)`, retention, at);
  } else if (seconds > MAX_DATABASE_SECONDS) {
    issues.expected(`a retention of ${DATABASE_SECONDS_RULE}`, retention, at);
  }
}

function validateBackoff(backoff: unknown, issues: ConfigIssues, key: string): void {
  const prefix = `queues.${key}.backoff`;
  const at = (option: string) => ({ option: `${prefix}.${option}`, queue: key });
  if (!isRecord(backoff)) {
    issues.expected('{ kind: "exponential", ... } or { kind: "fixed", delay }', backoff, {
      option: prefix,
      queue: key,
    });
    return;
  }
  if (backoff.kind === "fixed") {
    issues.unknownKeys(backoff, FIXED_BACKOFF_OPTIONS, { prefix, queue: key });
    if (!(isFiniteNumber(backoff.delay) && backoff.delay >= 0)) {
      issues.expected("a number of seconds >= 0", backoff.delay, at("delay"));
    } else if (backoff.delay > MAX_DATABASE_SECONDS) {
      issues.expected(`a delay of ${DATABASE_SECONDS_RULE}`, backoff.delay, at("delay"));
    }
    return;
  }
  if (backoff.kind !== "exponential") {
    issues.expected('"exponential" or "fixed"', backoff.kind, at("kind"));
    return;
  }
  issues.unknownKeys(backoff, EXPONENTIAL_BACKOFF_OPTIONS, { prefix, queue: key });
  const { initial, factor, max, jitter } = backoff;
  const initialIsValid = initial === undefined || (isFiniteNumber(initial) && initial > 0);
  if (!initialIsValid) issues.expected("a number of seconds > 0", initial, at("initial"));
  if (factor !== undefined && !(isFiniteNumber(factor) && factor >= 1)) {
    issues.expected("a number >= 1", factor, at("factor"));
  }
  if (max !== undefined) {
    // Only `max` given: checked against the runtime's default `initial`.
    const floor = isFiniteNumber(initial) ? initial : QUEUE_DEFAULTS.backoff.initial;
    if (!isFiniteNumber(max)) {
      issues.expected("a number of seconds", max, at("max"));
    } else if (initialIsValid && max < floor) {
      issues.expected(`a number of seconds >= initial (${floor})`, max, at("max"));
    } else if (max > MAX_DATABASE_SECONDS) {
      issues.expected(`a max of ${DATABASE_SECONDS_RULE}`, max, at("max"));
    }
  }
  if (jitter !== undefined && typeof jitter !== "boolean") {
    issues.expected("true or false", jitter, at("jitter"));
  }
}

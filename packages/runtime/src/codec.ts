/**
 * A queue's codec: its precompiled validator plus an optional transform
 * between the job a handler sees and the JSON stored in `message`, and the
 * queue's schema versions: the version producers stamp, and the older
 * versions a worker still decodes and upgrades (versionedDecode.ts).
 */
import { DecodeError, ValidationError } from "./errors.js";
import { versionStampOf } from "./messageVersion.js";
import { resolveQueueVersions } from "./queueVersions.js";
import { toStorableJson } from "./storableJson.js";
import type {
  CompiledValidator,
  EncodedJob,
  JobValidator,
  JsonValue,
  MessageHeaders,
  PayloadTransform,
  QueueCodec,
  ValidationIssue,
} from "./types.js";
import { lastIssues } from "./validatorIssues.js";
import { decodeVersioned } from "./versionedDecode.js";

/** An older schema version a queue still decodes (`previousVersions`). */
export interface PreviousVersion {
  /** The version number: below the queue's `version`. */
  readonly version: number;
  /** That version's schema, compiled ahead of time (ajv standalone), as `validator` is. */
  readonly validator: CompiledValidator | JobValidator<unknown>;
}

/**
 * A queue's upgrade steps: one method `from<N>(job)` per older version N
 * kept, from the oldest one to `version - 1`, turning a job of version N
 * into one of version N + 1 (`from1` gives version 2). The generated
 * `<Queue>Upgrades` interface types each step; `object` here because an
 * interface has no implicit index signature, so no `{ [step: string]: ... }`
 * type would accept it. `createQueueCodec` checks that every step is a function.
 */
export type QueueUpgrades = object;

export interface QueueCodecOptions<TJob = unknown> {
  /** The queue's name, used in error messages. */
  queue: string;
  /**
   * The queue's schema, compiled ahead of time (ajv standalone). A generated
   * validator is a `JobValidator<TJob>`, so the codec's job type is checked
   * against (or inferred from) it.
   */
  validator: CompiledValidator | JobValidator<TJob>;
  /** Turns valid jobs into stored JSON and back. (Default: none: the job is stored as is) */
  transform?: PayloadTransform;
  /**
   * The schema's version, a positive integer: producers stamp it into every
   * message's headers (`VERSION_HEADER`), and handlers receive jobs of it. (Default: 1)
   */
  version?: number;
  /**
   * Older versions whose messages a worker still decodes and upgrades: each
   * below `version`, each listed once, without gaps up to `version - 1`
   * (from the oldest one kept). Drop a version once `queuedVersionCounts`
   * finds none of its messages queued. (Default: none: only `version` is decoded)
   */
  previousVersions?: readonly PreviousVersion[];
  /**
   * The upgrade steps (`from<N>`) from the oldest previous version to
   * `version - 1`; required when `previousVersions` is not empty. Each
   * step's result is checked against the next version's schema.
   * (Default: none)
   */
  upgrades?: QueueUpgrades;
}

/**
 * The codec of one queue. Throws an Error naming the queue when the
 * version options do not add up (see `QueueCodecOptions`).
 */
export function createQueueCodec<TJob>(options: QueueCodecOptions<TJob>): QueueCodec<TJob> {
  const { queue, validator, transform } = options;
  const versions = resolveQueueVersions(options);
  const version = versions.current;
  // Without previous versions an unstamped message can only be of the current version: no other schema to try.
  const unstampedIsCurrent = versions.oldest === version;

  /** A generated validator is a type guard; a plain CompiledValidator's `true` is taken as one. */
  function isJob(value: unknown): value is TJob {
    return validator(value);
  }

  function validate(value: unknown): ValidationIssue[] {
    return isJob(value) ? [] : lastIssues(validator);
  }

  /**
   * The job's JSON form is what gets validated and stored: a `toJSON` that
   * adds a field, or a Date where the schema wants a string, is judged as
   * the JSON the worker will read, never as the object in memory.
   */
  function encodeJson(job: TJob): EncodedJob {
    const json = toStorableJson(job);
    if (!json.ok) throw new ValidationError(queue, json.issues);
    const issues = validate(json.value);
    if (issues.length > 0) throw new ValidationError(queue, issues);
    if (transform === undefined) return { json: json.text, value: json.value };
    // The transform gets the validated value; what it returns is stored as its JSON, checked the same way.
    const stored = toStorableJson(transform.encode(json.value));
    if (!stored.ok) {
      throw new ValidationError(
        queue,
        stored.issues.map((issue) => ({
          ...issue,
          message: `${issue.message} (in the value the queue's transform encoded)`,
        })),
      );
    }
    return { json: stored.text, value: stored.value };
  }

  return {
    queue,
    version,
    validate,
    is: isJob,
    encodeJson,
    encode(job: TJob): JsonValue {
      return encodeJson(job).value;
    },
    decode(stored: unknown, headers?: MessageHeaders | null): TJob {
      let payload: unknown = stored;
      if (transform !== undefined) {
        try {
          payload = transform.decode(stored as JsonValue);
        } catch (cause) {
          throw new DecodeError(queue, [], { cause });
        }
      }
      const stamp = versionStampOf(headers);
      // The common case costs one header lookup more than an unversioned codec: the current schema, as is.
      if (stamp === version || (stamp === undefined && unstampedIsCurrent)) {
        if (isJob(payload)) return payload;
        throw new DecodeError(queue, lastIssues(validator));
      }
      // The upgrades' last result was checked against the current schema: it is a TJob.
      return decodeVersioned(payload, stamp, versions) as TJob;
    },
  };
}

/**
 * A queue's codec: its precompiled validator plus an optional transform
 * between the job a handler sees and the JSON stored in `message`.
 */
import { DecodeError, ValidationError } from "./errors.js";
import { escapePointerToken } from "./jsonPointer.js";
import { toStorableJson } from "./storableJson.js";
import type {
  CompiledValidator,
  CompiledValidatorError,
  EncodedJob,
  JobValidator,
  JsonValue,
  PayloadTransform,
  QueueCodec,
  ValidationIssue,
} from "./types.js";

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
}

/**
 * One ajv error as a ValidationIssue. `required` and `additionalProperties`
 * point at the property concerned (missing or extra), not at the object
 * that holds it, and their message names it.
 */
export function toValidationIssue(error: CompiledValidatorError): ValidationIssue {
  const message = error.message ?? `must pass "${error.keyword}"`;
  const missing = error.params.missingProperty;
  if (error.keyword === "required" && typeof missing === "string") {
    return { pointer: `${error.instancePath}/${escapePointerToken(missing)}`, message, keyword: error.keyword };
  }
  const extra = error.params.additionalProperty;
  if (error.keyword === "additionalProperties" && typeof extra === "string") {
    return {
      pointer: `${error.instancePath}/${escapePointerToken(extra)}`,
      message: `must NOT have additional property '${extra}'`,
      keyword: error.keyword,
    };
  }
  return { pointer: error.instancePath, message, keyword: error.keyword };
}

export function createQueueCodec<TJob>(options: QueueCodecOptions<TJob>): QueueCodec<TJob> {
  const { queue, validator, transform } = options;

  /** A generated validator is a type guard; a plain CompiledValidator's `true` is taken as one. */
  function isJob(value: unknown): value is TJob {
    return validator(value);
  }

  /** The failures the validator's last call reported. */
  function lastIssues(): ValidationIssue[] {
    const errors = validator.errors ?? [];
    if (errors.length === 0) return [{ pointer: "", message: "is not a valid job", keyword: "schema" }];
    return errors.map(toValidationIssue);
  }

  function validate(value: unknown): ValidationIssue[] {
    return isJob(value) ? [] : lastIssues();
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
    validate,
    is: isJob,
    encodeJson,
    encode(job: TJob): JsonValue {
      return encodeJson(job).value;
    },
    decode(stored: unknown): TJob {
      let payload: unknown = stored;
      if (transform !== undefined) {
        try {
          payload = transform.decode(stored as JsonValue);
        } catch (cause) {
          throw new DecodeError(queue, [], { cause });
        }
      }
      if (isJob(payload)) return payload;
      throw new DecodeError(queue, lastIssues());
    },
  };
}

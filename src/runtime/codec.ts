/**
 * A queue's codec: its precompiled validator plus an optional transform
 * between the job a handler sees and the JSON stored in `message`.
 */
import { DecodeError, ValidationError } from "./errors.js";
import type {
  CompiledValidator,
  CompiledValidatorError,
  JsonValue,
  PayloadTransform,
  QueueCodec,
  ValidationIssue,
} from "./types.js";

export interface QueueCodecOptions {
  /** The queue's name, used in error messages. */
  queue: string;
  /** The queue's schema, compiled ahead of time (ajv standalone). */
  validator: CompiledValidator;
  /** Turns valid jobs into stored JSON and back. (Default: none: the job is stored as is) */
  transform?: PayloadTransform;
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function escapePointerToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
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

export function createQueueCodec<TJob>(options: QueueCodecOptions): QueueCodec<TJob> {
  const { queue, validator, transform } = options;

  function validate(value: unknown): ValidationIssue[] {
    if (validator(value)) return [];
    const errors = validator.errors ?? [];
    if (errors.length === 0) return [{ pointer: "", message: "is not a valid job", keyword: "schema" }];
    return errors.map(toValidationIssue);
  }

  return {
    queue,
    validate,
    is(value: unknown): value is TJob {
      return validator(value);
    },
    encode(job: TJob): JsonValue {
      const issues = validate(job);
      if (issues.length > 0) throw new ValidationError(queue, issues);
      return transform === undefined ? (job as JsonValue) : transform.encode(job as JsonValue);
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
      const issues = validate(payload);
      if (issues.length > 0) throw new DecodeError(queue, issues);
      return payload as TJob;
    },
  };
}

/**
 * What a compiled validator reported, as `ValidationIssue`s: shared by the
 * codec's current schema and the schemas of a queue's previous versions.
 */
import { escapePointerToken } from "./jsonPointer.js";
import type { CompiledValidator, CompiledValidatorError, ValidationIssue } from "./types.js";

/** Said when a validator rejects a value without saying why (a hand-written one may set no `errors`). */
const NOT_A_VALID_JOB: ValidationIssue = { pointer: "", message: "is not a valid job", keyword: "schema" };

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

/**
 * The failures `validator`'s last call reported; read right after the call
 * that failed (the next call overwrites them).
 */
export function lastIssues(validator: CompiledValidator): ValidationIssue[] {
  const errors = validator.errors ?? [];
  if (errors.length === 0) return [NOT_A_VALID_JOB];
  return errors.map(toValidationIssue);
}

/**
 * Checks that each schema file is a valid JSON Schema of its dialect, using
 * ajv's meta-schemas, and reports the offending keyword's pointer in that file.
 */
import type { Ajv, ErrorObject } from "ajv";
import { CompileError, type CompileErrorLocation } from "../errors.js";
import { checkEnumUniqueness } from "./enumUniqueness.js";
import { createSchemaAjv } from "./schemaAjv.js";
import { stackOverflowAsCompileError } from "./stackOverflow.js";
import { findKeyword } from "./schemaKeywords.js";
import type { SchemaDialect } from "./types.js";

const checkers = new Map<SchemaDialect, Ajv>();

const DRAFT_07_META_SCHEMA = "http://json-schema.org/draft-07/schema";
/** draft-07's meta-schema without `uniqueItems` on `enum`, which enumUniqueness.ts checks in linear time. */
const DRAFT_07_META_SCHEMA_LINEAR = "pgmq-gen:draft-07-schema-without-enum-uniqueness";

/** A checking (not code-emitting) ajv per dialect; meta-schema validation keeps no state between files. */
export function schemaChecker(dialect: SchemaDialect): Ajv {
  let ajv = checkers.get(dialect);
  if (ajv === undefined) {
    ajv = createSchemaAjv(dialect, { standalone: false });
    if (dialect === "draft-07") {
      const metaSchema = structuredClone(ajv.getSchema(DRAFT_07_META_SCHEMA)!.schema) as {
        $id: string;
        properties: { enum: Record<string, unknown> };
      };
      metaSchema.$id = DRAFT_07_META_SCHEMA_LINEAR;
      delete metaSchema.properties.enum.uniqueItems;
      ajv.addMetaSchema(metaSchema);
    }
    checkers.set(dialect, ajv);
  }
  return ajv;
}

/** Whether `document` is valid against its dialect's meta-schema (errors in `ajv.errors`). */
function matchesMetaSchema(ajv: Ajv, document: object, dialect: SchemaDialect): boolean {
  // ajv checks uniqueItems on values of any type pair by pair; the linear check of the same rule follows, when the rest is valid.
  return dialect === "draft-07"
    ? (ajv.validate(DRAFT_07_META_SCHEMA_LINEAR, document) as boolean)
    : (ajv.validateSchema(document) as boolean);
}

/**
 * The most specific of ajv's errors: the deepest pointer, and there an `enum`
 * or `type` complaint rather than the `anyOf` that wraps it.
 */
function mostSpecific(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const rank = (error: ErrorObject) =>
    error.instancePath.split("/").length * 10 + (error.keyword === "anyOf" || error.keyword === "oneOf" ? 0 : 1);
  return [...errors].sort((a, b) => rank(b) - rank(a))[0];
}

function describe(error: ErrorObject): string {
  const keyword = error.instancePath.split("/").pop() ?? "";
  const allowed = error.params.allowedValues;
  const detail = Array.isArray(allowed) ? ` (${allowed.map((value) => JSON.stringify(value)).join(", ")})` : "";
  const subject = keyword === "" ? "the schema" : `keyword "${keyword}"`;
  return `not a valid JSON Schema: ${subject} ${error.message ?? "is invalid"}${detail}`;
}

/** Throws a CompileError at the first invalid keyword of `document`. */
export function validateAgainstMetaSchema(
  document: unknown,
  dialect: SchemaDialect,
  location: CompileErrorLocation,
): void {
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new CompileError(
      { ...location, pointer: "" },
      'a payload schema must be a JSON object (a JSON Schema such as { "type": "object", ... })',
    );
  }
  const ajv = schemaChecker(dialect);
  if (matchesMetaSchema(ajv, document, dialect)) {
    if (dialect === "draft-07") checkEnumUniqueness(document, location);
    return;
  }
  const error = mostSpecific(ajv.errors ?? []);
  if (error === undefined) return;
  throw new CompileError({ ...location, pointer: error.instancePath }, `${describe(error)} (${dialect})`);
}

/**
 * The error for a schema ajv would not compile in strict mode, which catches
 * what the meta-schema allows but ajv cannot use: unknown keywords (usually
 * typos) and unknown formats. `files` are searched for the culprit so the
 * error points into the file that holds it. A stack overflow is worded as
 * the stack guard words one (stackOverflow.ts), at `fallback`.
 */
export function schemaCompileError(
  failure: { readonly message: string; readonly stackOverflow: boolean },
  files: readonly { document: unknown; location: CompileErrorLocation }[],
  fallback: CompileErrorLocation,
): Error {
  const { message } = failure;
  if (failure.stackOverflow)
    return stackOverflowAsCompileError(new RangeError(message), fallback, "compiling the schema") as CompileError;
  const cause = new Error(message);
  const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
  const format = /unknown format "([^"]+)"/.exec(message)?.[1];
  const culprit =
    keyword !== undefined
      ? ([keyword, undefined] as const)
      : format !== undefined
        ? (["format", format] as const)
        : null;
  for (const file of culprit === null ? [] : files) {
    const pointer = findKeyword(file.document, culprit![0], culprit![1]);
    if (pointer !== null) return new CompileError({ ...file.location, pointer }, explain(message), { cause });
  }
  return new CompileError(fallback, explain(message), { cause });
}

function explain(ajvMessage: string): string {
  if (ajvMessage.includes("unknown keyword")) {
    return `${ajvMessage.replace(/^strict mode: /, "")}: check its spelling, or remove it (custom keywords are not supported)`;
  }
  if (ajvMessage.includes("unknown format")) {
    return `${ajvMessage.replace(/ ignored in schema at path .*$/, "")}: use a format ajv-formats knows (date-time, date, time, email, uri, uuid, ipv4, ...)`;
  }
  return `ajv cannot compile the schema: ${ajvMessage}`;
}

/**
 * What the checker knows of each keyword: which never affect validation
 * (annotations), and which hold schemas (for the comparison modulo
 * annotations, which must follow them and their `$ref`s).
 */

/** Keywords that never make a payload valid or invalid. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  "title",
  "description",
  "$id",
  "id",
  "examples",
  "$comment",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  // json-schema-to-typescript's hints, declared to ajv as annotations (model/schemaAjv.ts).
  "tsType",
  "tsEnumNames",
]);

/**
 * Keywords with no effect on the schema they sit in: definitions apply only
 * through a `$ref` (which the checker follows), anchors only name a place, and
 * `$schema` is compared once, at the root.
 */
export const NOT_APPLIED: ReadonlySet<string> = new Set([
  "definitions",
  "$defs",
  "$anchor",
  "$dynamicAnchor",
  "$recursiveAnchor",
  "$vocabulary",
  "$schema",
]);

export type KeywordShape = "schema" | "schemaList" | "schemaMap" | "items" | "dependencies";

export const SCHEMA_KEYWORDS: ReadonlyMap<string, KeywordShape> = new Map([
  ["not", "schema"],
  ["if", "schema"],
  ["then", "schema"],
  ["else", "schema"],
  ["additionalItems", "schema"],
  ["additionalProperties", "schema"],
  ["contains", "schema"],
  ["propertyNames", "schema"],
  ["unevaluatedItems", "schema"],
  ["unevaluatedProperties", "schema"],
  ["contentSchema", "schema"],
  ["allOf", "schemaList"],
  ["anyOf", "schemaList"],
  ["oneOf", "schemaList"],
  ["prefixItems", "schemaList"],
  ["properties", "schemaMap"],
  ["patternProperties", "schemaMap"],
  ["dependentSchemas", "schemaMap"],
  ["items", "items"],
  ["dependencies", "dependencies"],
]);

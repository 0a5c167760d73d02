/**
 * The public shape of a schema comparison (issue 14 §1): the modes, the
 * options and the changes `compareSchemas` reports.
 */

/**
 * Which payloads must survive the change:
 * - `backward`: every payload valid under the old schema is valid under the new one (a worker on
 *   the new schema accepts what is already queued and what old producers still send);
 * - `forward`: every payload valid under the new schema is valid under the old one;
 * - `full`: both.
 */
export type CompatibilityMode = "backward" | "forward" | "full";

/** The JSON Schema drafts the checker tells apart. */
export type SchemaDraft = "draft-04" | "draft-06" | "draft-07" | "2019-09" | "2020-12";

export interface CompareSchemasOptions {
  /** Which direction of compatibility a breaking change violates. (Default: `"backward"`) */
  mode?: CompatibilityMode;
  /** The draft of a document with no `$schema`. (Default: `"draft-07"`, as the generator assumes) */
  defaultDraft?: SchemaDraft;
}

/** What changed, in the vocabulary of Confluent Schema Registry's JSON Schema change kinds where one fits. */
export type SchemaChangeKind =
  | "ANNOTATION_CHANGED"
  | "DRAFT_CHANGED"
  | "DRAFT_UNKNOWN"
  | "SCHEMA_NARROWED"
  | "SCHEMA_EXTENDED"
  | "TYPE_NARROWED"
  | "TYPE_EXTENDED"
  | "TYPE_CHANGED"
  | "ENUM_ARRAY_NARROWED"
  | "ENUM_ARRAY_EXTENDED"
  | "ENUM_ARRAY_CHANGED"
  | `${BoundKeyword}_${"ADDED" | "REMOVED" | "INCREASED" | "DECREASED" | "CHANGED"}`
  | "MULTIPLE_OF_ADDED"
  | "MULTIPLE_OF_REMOVED"
  | "MULTIPLE_OF_EXPANDED"
  | "MULTIPLE_OF_REDUCED"
  | "MULTIPLE_OF_CHANGED"
  | "UNIQUE_ITEMS_ADDED"
  | "UNIQUE_ITEMS_REMOVED"
  | "PATTERN_ADDED"
  | "PATTERN_REMOVED"
  | "PATTERN_CHANGED"
  | "FORMAT_ADDED"
  | "FORMAT_REMOVED"
  | "FORMAT_CHANGED"
  | "REQUIRED_PROPERTY_ADDED"
  | "REQUIRED_PROPERTY_REMOVED"
  | `PROPERTY_${"ADDED_TO" | "REMOVED_FROM"}_${"OPEN" | "CLOSED" | "PARTIALLY_OPEN"}_CONTENT_MODEL`
  | "ADDITIONAL_PROPERTIES_NARROWED"
  | "ADDITIONAL_PROPERTIES_EXTENDED"
  | "ADDITIONAL_PROPERTIES_CHANGED"
  | "SUM_TYPE_NARROWED"
  | "SUM_TYPE_EXTENDED"
  | "SUM_TYPE_CHANGED"
  | "PRODUCT_TYPE_NARROWED"
  | "PRODUCT_TYPE_EXTENDED"
  | "PRODUCT_TYPE_CHANGED"
  | "REFERENCE_UNRESOLVED"
  | `${UnprovenFamily}_${"ADDED" | "REMOVED" | "CHANGED"}`;

/** Keywords bounding a length, a count or a number. */
export type BoundKeyword =
  | "MIN_LENGTH"
  | "MAX_LENGTH"
  | "MIN_ITEMS"
  | "MAX_ITEMS"
  | "MIN_PROPERTIES"
  | "MAX_PROPERTIES"
  | "MINIMUM"
  | "MAXIMUM"
  | "EXCLUSIVE_MINIMUM"
  | "EXCLUSIVE_MAXIMUM";

/** Keyword families the checker compares only for equality (modulo annotations). */
export type UnprovenFamily =
  | "SCHEMA"
  | "SUM_TYPE"
  | "PRODUCT_TYPE"
  | "NOT_TYPE"
  | "CONDITIONAL"
  | "DEPENDENCY"
  | "PATTERN_PROPERTIES"
  | "TUPLE_ITEMS"
  | "CONTAINS"
  | "PROPERTY_NAMES"
  | "KEYWORD";

export interface SchemaChange {
  /** JSON pointer into the new schema, or into the old one where the keyword was removed. */
  readonly pointer: string;
  /** The keyword that changed (`maxLength`, `properties`, ...), or `""` for a whole schema. */
  readonly keyword: string;
  readonly kind: SchemaChangeKind;
  /** The keyword's old value (undefined when it was added). */
  readonly old: unknown;
  /** The keyword's new value (undefined when it was removed). */
  readonly new: unknown;
  /** Whether the change breaks compatibility in the mode compared. */
  readonly breaking: boolean;
  /** Why it breaks, or why it does not; "cannot prove ..." when the checker cannot decide. */
  readonly reason: string;
}

export interface SchemaComparison {
  /** No change is breaking. */
  readonly compatible: boolean;
  readonly mode: CompatibilityMode;
  /** Every change found, in the order of the walk (new schema's keywords first). */
  readonly changes: readonly SchemaChange[];
}

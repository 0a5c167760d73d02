/**
 * What the keyword modules share while two schemas are walked side by side:
 * the documents (for `$ref`), a sink for the changes found, and the recursive
 * comparison itself (passed in, so that the modules do not import the walker).
 *
 * A found change carries both directions: `narrows` (some value valid under
 * the old schema may be invalid under the new one) and `widens` (the reverse);
 * the mode picks which of them breaks. Each is true unless proven false.
 */
import type { SchemaChangeKind } from "./types.js";
import type { SchemaDocument } from "./schemaDocument.js";

export type Path = readonly (string | number)[];

export interface FoundChange {
  readonly pointer: Path;
  readonly keyword: string;
  readonly kind: SchemaChangeKind;
  readonly old: unknown;
  readonly new: unknown;
  narrows: boolean;
  widens: boolean;
  /** What changed, as a clause: "maxLength decreased from 10 to 5". */
  readonly detail: string;
  /** Set when the flags are conservative: what the checker cannot prove. */
  readonly unproven?: string;
}

export interface Walk {
  readonly oldDoc: SchemaDocument;
  readonly newDoc: SchemaDocument;
  record(change: FoundChange): void;
  /** Compares two subschemas, recording what changed inside them. */
  compare(oldNode: unknown, newNode: unknown, oldPath: Path, newPath: Path): void;
  /** Runs `run` and returns what it found instead of recording it. */
  collect(run: () => void): FoundChange[];
}

/** A schema object as the keyword modules read it. */
export type SchemaObject = Readonly<Record<string, unknown>>;

/** The two schemas a keyword module compares, and where each sits in its document. */
export interface SchemaPair {
  readonly oldSchema: SchemaObject;
  readonly newSchema: SchemaObject;
  readonly oldPath: Path;
  readonly newPath: Path;
}

/** Where a keyword's change is reported: in the new schema, or in the old one where it was removed. */
export function keywordPointer(keyword: string, { oldSchema, newSchema, oldPath, newPath }: SchemaPair): Path {
  return newSchema[keyword] === undefined && oldSchema[keyword] !== undefined
    ? [...oldPath, keyword]
    : [...newPath, keyword];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Which JSON Schema draft a document is written in, from its `$schema`.
 * draft-07 is the default because most hand-written schemas and editors
 * still assume it.
 */
import { CompileError, type CompileErrorLocation } from "../errors.js";
import type { SchemaDialect } from "./types.js";

const DIALECTS: ReadonlyMap<string, SchemaDialect> = new Map([
  ["http://json-schema.org/draft-07/schema", "draft-07"],
  ["https://json-schema.org/draft-07/schema", "draft-07"],
  ["https://json-schema.org/draft/2020-12/schema", "2020-12"],
  ["http://json-schema.org/draft/2020-12/schema", "2020-12"],
]);

/** The dialect of `document`, or `fallback` when it declares no `$schema`. */
export function schemaDialect(
  document: unknown,
  fallback: SchemaDialect,
  location: CompileErrorLocation,
): SchemaDialect {
  if (document === null || typeof document !== "object" || Array.isArray(document)) return fallback;
  const declared = (document as { $schema?: unknown }).$schema;
  if (declared === undefined) return fallback;
  const dialect = typeof declared === "string" ? DIALECTS.get(declared.replace(/#$/, "")) : undefined;
  if (dialect === undefined) {
    throw new CompileError(
      { ...location, pointer: "/$schema" },
      `unsupported $schema ${JSON.stringify(declared)}: use "http://json-schema.org/draft-07/schema#" or "https://json-schema.org/draft/2020-12/schema"`,
    );
  }
  return dialect;
}

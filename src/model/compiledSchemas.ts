/**
 * Each queue's schema is compiled by ajv once per build: while the model is
 * built (strict mode catches unknown keywords and formats there), and the
 * same compiled function is what emit turns into the standalone validator.
 * Compiling is most of ajv's cost, so doing it once halves it.
 *
 * The compilation is remembered against the frozen schema object of the
 * model being built, not against the schema's content: a new build (a new
 * `generate()`, `--check` included) makes new objects and compiles again, so
 * nothing here can make a build see an earlier build's result.
 */
import type { Ajv } from "ajv";
import type { AnyValidateFunction } from "ajv/dist/core.js";
import { createSchemaAjv } from "./schemaAjv.js";
import type { BundledSchema, SchemaDialect } from "./types.js";

export interface CompiledSchema {
  /** The instance that compiled `validate`: its scope holds the names and values the standalone code needs. */
  readonly ajv: Ajv;
  readonly validate: AnyValidateFunction;
}

const compiledSchemas = new WeakMap<BundledSchema, CompiledSchema>();

/**
 * Compiles `schema` (which ajv keeps: pass a copy the caller will not
 * change) with a fresh code-emitting instance. Fresh, because ajv numbers
 * its functions per instance and the numbers are in the generated code.
 * Throws ajv's error for what strict mode rejects.
 */
export function compileSchema(schema: object, dialect: SchemaDialect): CompiledSchema {
  const ajv = createSchemaAjv(dialect, { standalone: true });
  return { ajv, validate: ajv.compile(schema) };
}

/** Records the compilation of a model's schema for emit. */
export function rememberCompiledSchema(schema: BundledSchema, compiled: CompiledSchema): void {
  compiledSchemas.set(schema, compiled);
}

/** The compilation made while building the model, or a new one for a schema the model builder did not see. */
export function compiledSchemaOf(schema: BundledSchema, dialect: SchemaDialect): CompiledSchema {
  return compiledSchemas.get(schema) ?? compileSchema(structuredClone(schema) as object, dialect);
}

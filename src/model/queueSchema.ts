/**
 * One queue's payload schema, from a file name or an inline object to a
 * bundled, checked document: parse, pick the dialect, validate against the
 * meta-schema, follow `$ref`s, bundle, and start its compilation in strict
 * mode (on a compiler thread; its outcome is awaited by the model builder).
 */
import path from "node:path";
import type { JSONSchema } from "../config/jsonSchema.js";
import type { CompileErrorLocation, CompileWarning } from "../errors.js";
import type { ArtifactMemo } from "./artifactMemo.js";
import { compileSchema } from "./compiledSchemas.js";
import { bundleSchema } from "./schemaBundle.js";
import { checkSchemaDepth } from "./schemaDepth.js";
import { schemaDialect } from "./schemaDialect.js";
import { displayPath, type SchemaFile, type SchemaFileReader } from "./schemaFiles.js";
import { schemaCompileError, validateAgainstMetaSchema } from "./schemaMetaValidation.js";
import { followSchemaRefs } from "./schemaRefs.js";
import type { BundledSchema, SchemaDialect } from "./types.js";
import { findUnsafePatterns, type UnsafePatternsMode } from "./unsafePatterns.js";
import type { ValidatorSourceOutcome } from "./validatorSource.js";

export interface QueueSchemaContext {
  readonly rootDir: string;
  readonly schemasDir: string;
  /** The config file as shown in errors. */
  readonly configFile: string;
  readonly reader: SchemaFileReader;
  readonly cache: ArtifactMemo;
  readonly unsafePatterns: UnsafePatternsMode;
}

export interface QueueSchema {
  readonly schema: BundledSchema;
  readonly dialect: SchemaDialect;
  /** Relative to the config file's folder, or null when inline. */
  readonly schemaFile: string | null;
  /**
   * Settles when ajv has compiled the schema: to undefined, or to the error
   * that makes the schema unusable (a CompileError at the culprit keyword, or
   * at the schema for a stack overflow; a plain Error when a compiler thread
   * failed). It never rejects, so an error nobody has awaited yet is not an
   * unhandled rejection.
   */
  readonly compileError: Promise<Error | undefined>;
  /** ajv's outcome for the schema, for emit (see `QueueModel.validatorSource`). */
  readonly compilation: Promise<ValidatorSourceOutcome>;
  /** Settles to a warning at each pattern with catastrophic backtracking (none with `unsafePatterns: "off"`); rejects only on an unexpected failure. */
  readonly unsafePatterns: Promise<CompileWarning[]>;
}

/** A read-only model all the way down: emit must clone before handing it to a library that mutates. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Which option of the queue names the schema: its `schema`, or an older version's in `previous`. */
export interface SchemaOption {
  /** The option as errors name it: `queues.email.schema`, `queues.email.previous.1`. */
  readonly option: string;
  /** The name an inline schema's relative `$ref`s resolve from, inside schemasDir (never read). */
  readonly inlineFile: string;
}

export async function resolveQueueSchema(
  key: string,
  schema: string | JSONSchema,
  context: QueueSchemaContext,
  schemaOption: SchemaOption = { option: `queues.${key}.schema`, inlineFile: `${key}.inline.schema.json` },
): Promise<QueueSchema> {
  const option = schemaOption.option;
  const inline = typeof schema !== "string";
  // Files are checked when read; an inline schema here, before anything recursive (JSON.stringify included) sees it.
  if (inline) checkSchemaDepth(schema, { file: context.configFile, queue: key, option });
  const root: SchemaFile = inline
    ? {
        // A name inside schemasDir, so relative `$ref`s in an inline schema resolve there; never read.
        path: path.join(context.schemasDir, schemaOption.inlineFile),
        displayPath: context.configFile,
        text: JSON.stringify(schema),
        document: schema,
      }
    : await context.reader.read(path.resolve(context.schemasDir, schema), {
        file: context.configFile,
        queue: key,
        option,
      });

  const locationOf = (file: SchemaFile): CompileErrorLocation =>
    file === root && inline ? { file: context.configFile, queue: key, option } : { file: file.displayPath, queue: key };

  const dialect = schemaDialect(root.document, "draft-07", locationOf(root));
  validateAgainstMetaSchema(root.document, dialect, locationOf(root));
  const { files, graph } = await followSchemaRefs(root, context.reader, key, locationOf);
  for (const file of files.slice(1)) {
    validateAgainstMetaSchema(file.document, schemaDialect(file.document, dialect, locationOf(file)), locationOf(file));
  }
  const unsafePatterns =
    context.unsafePatterns === "off" ? Promise.resolve([]) : findUnsafePatterns(graph, locationOf, context.cache);
  // Handled here, so it is no unhandled rejection if bundling fails first; awaiting it still throws.
  unsafePatterns.catch(() => undefined);
  const bundled = await bundleSchema(root, files);
  // Posting the schema copies it, so freezing the model's afterwards cannot affect the compilation.
  const compilation = compileSchema(bundled, dialect, context.cache);
  const frozen = deepFreeze(bundled);
  const documents = files.map((file) => ({ document: file.document, location: locationOf(file) }));
  const compileError = compilation.then(
    (outcome) => (outcome.ok ? undefined : schemaCompileError(outcome, documents, locationOf(root))),
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  return {
    schema: frozen,
    dialect,
    schemaFile: inline ? null : displayPath(context.rootDir, root.path),
    compilation,
    compileError,
    unsafePatterns,
  };
}

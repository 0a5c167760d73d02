/**
 * Builds the compiler's model from a validated config: options with defaults,
 * schemas resolved and bundled, identifiers derived, queues sorted by key.
 * This is the last step that reads files; emit works from the model alone.
 */
import path from "node:path";
import type { PgmqGenConfig, QueueConfig } from "../config/types.js";
import { CompileError, CompileErrors } from "../errors.js";
import { codecImport } from "./codecImport.js";
import { queueNames } from "./queueNames.js";
import { queueOptions } from "./queueOptions.js";
import { resolveQueueSchema, type QueueSchemaContext } from "./queueSchema.js";
import { createSchemaFileReader, displayPath } from "./schemaFiles.js";
import { withStackGuard } from "./stackOverflow.js";
import type { ProjectModel, QueueModel } from "./types.js";

const DEFAULT_RUNTIME_IMPORT = "pgmq-gen/runtime";

async function queueModel(key: string, config: QueueConfig, context: QueueSchemaContext & { outDir: string }): Promise<QueueModel> {
  const where =
    typeof config.schema === "string"
      ? { file: displayPath(context.rootDir, path.resolve(context.schemasDir, config.schema)), queue: key }
      : { file: context.configFile, queue: key, option: `queues.${key}.schema` };
  const { schema, dialect, schemaFile } = await withStackGuard(where, "resolving the schema", () => resolveQueueSchema(key, config.schema, context));
  const schemaDescription = typeof schema["description"] === "string" ? schema["description"] : null;
  return {
    key,
    names: queueNames(key),
    options: queueOptions(config),
    schema,
    dialect,
    schemaFile,
    codecImport: config.codec === undefined ? null : codecImport(context.rootDir, context.outDir, config.codec),
    description: config.description ?? schemaDescription,
  };
}

/** Several queues can be wrong at once; report them all, in key order. */
function failures(results: readonly PromiseSettledResult<QueueModel>[]): unknown[] {
  return results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
}

export async function buildProjectModel(config: PgmqGenConfig, configFilePath: string): Promise<ProjectModel> {
  const configPath = path.resolve(configFilePath);
  const rootDir = path.dirname(configPath);
  const configFile = path.basename(configPath);
  const outDir = path.resolve(rootDir, config.outDir ?? "generated");
  const reader = createSchemaFileReader(rootDir);
  const context = { rootDir, outDir, configFile, reader, schemasDir: path.resolve(rootDir, config.schemasDir ?? "schemas") };

  // Code-unit order, not localeCompare: the same on every machine.
  const keys = Object.keys(config.queues).sort();
  const results = await Promise.allSettled(keys.map((key) => queueModel(key, config.queues[key]!, context)));
  const errors = failures(results);
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    if (errors.every((error) => error instanceof CompileError)) throw new CompileErrors(errors);
    throw errors.find((error) => !(error instanceof CompileError));
  }

  return {
    configFile,
    rootDir,
    outDir,
    runtimeImport: config.runtimeImport ?? DEFAULT_RUNTIME_IMPORT,
    queues: results.map((result) => (result as PromiseFulfilledResult<QueueModel>).value),
    inputFiles: [configPath, ...reader.filesRead].sort(),
  };
}

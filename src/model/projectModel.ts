/**
 * Builds the compiler's model from a validated config: options with defaults,
 * schemas resolved and bundled, identifiers derived, queues sorted by key.
 * This is the last step that reads files; emit works from the model alone.
 *
 * Compiling the schemas with ajv (which finds what strict mode rejects) runs
 * on compiler threads and finishes after the rest of the model is built.
 * `prepareProjectModel` hands back the model with that check still running,
 * so the caller can emit payload types meanwhile; `buildProjectModel` waits.
 */
import path from "node:path";
import { type ArtifactMemo, NO_MEMO } from "./artifactMemo.js";
import { CONFIG_DEFAULTS, QUEUE_EVOLUTION_DEFAULTS } from "../config/defaults.js";
import type { PgmqGenConfig, QueueConfig } from "../config/types.js";
import { CompileError, CompileErrors, type CompileWarning } from "../errors.js";
import { codecImport } from "./codecImport.js";
import { queueNames } from "./queueNames.js";
import { queueOptions } from "./queueOptions.js";
import { type QueueSchema, resolveQueueSchema, type QueueSchemaContext } from "./queueSchema.js";
import { createSchemaFileReader, displayPath } from "./schemaFiles.js";
import { withStackGuard } from "./stackOverflow.js";
import type { PreviousVersionModel, ProjectModel, QueueModel, QueueNames } from "./types.js";
import { checkUpgradeModule } from "./upgradeModule.js";
import type { UnsafePatternsMode } from "./unsafePatterns.js";

interface ResolvedQueue {
  readonly model: QueueModel;
  /** The schema's compilation error, or undefined; never rejects. */
  readonly compileError: Promise<Error | undefined>;
  /** A warning at each pattern with catastrophic backtracking. */
  readonly unsafePatterns: Promise<CompileWarning[]>;
}

/** The schemas of the queue's older versions (config `previous`), oldest first, each resolved as its `schema` is. */
async function previousVersions(
  key: string,
  config: QueueConfig,
  names: QueueNames,
  context: QueueSchemaContext,
): Promise<{ version: number; resolved: QueueSchema; names: PreviousVersionModel["names"] }[]> {
  const versions = Object.keys(config.previous ?? {})
    .map(Number)
    .sort((a, b) => a - b);
  return Promise.all(
    versions.map(async (version) => {
      const schema = config.previous![version]!;
      const where =
        typeof schema === "string"
          ? { file: displayPath(context.rootDir, path.resolve(context.schemasDir, schema)), queue: key }
          : { file: context.configFile, queue: key, option: `queues.${key}.previous.${version}` };
      const resolved = await withStackGuard(where, `resolving the schema of version ${version}`, () =>
        resolveQueueSchema(key, schema, context, {
          option: `queues.${key}.previous.${version}`,
          inlineFile: `${key}.v${version}.inline.schema.json`,
        }),
      );
      return {
        version,
        resolved,
        names: {
          job: `${names.job}V${version}`,
          validator: `${names.validator}V${version}`,
          file: `${names.file}.v${version}`,
        },
      };
    }),
  );
}

/** A module path as a config file writes it, normalised: relative to `rootDir`, `/`-separated, starting with `./` or `../`. */
function modulePath(rootDir: string, module: string): string {
  const relative = displayPath(rootDir, path.resolve(rootDir, module));
  return relative.startsWith("../") ? relative : `./${relative}`;
}

/** The first of several compile errors (each settles, never rejects), or undefined. */
async function firstError(errors: readonly Promise<Error | undefined>[]): Promise<Error | undefined> {
  return (await Promise.all(errors)).find((error) => error !== undefined);
}

async function queueModel(
  key: string,
  config: QueueConfig,
  context: QueueSchemaContext & { outDir: string },
): Promise<ResolvedQueue> {
  const where =
    typeof config.schema === "string"
      ? { file: displayPath(context.rootDir, path.resolve(context.schemasDir, config.schema)), queue: key }
      : { file: context.configFile, queue: key, option: `queues.${key}.schema` };
  const { schema, dialect, schemaFile, compilation, compileError, unsafePatterns } = await withStackGuard(
    where,
    "resolving the schema",
    () => resolveQueueSchema(key, config.schema, context),
  );
  const names = queueNames(key);
  const older = await previousVersions(key, config, names, context);
  if (config.upgrade !== undefined && older.length > 0) {
    await checkUpgradeModule(
      { rootDir: context.rootDir, configFile: context.configFile, queue: key },
      config.upgrade,
      older.map(({ version }) => `from${version}`),
    );
  }
  const schemaDescription = typeof schema.description === "string" ? schema.description : null;
  const upgrade = config.upgrade === undefined || older.length === 0 ? null : config.upgrade;
  const model: QueueModel = {
    key,
    names,
    options: queueOptions(config),
    schema,
    dialect,
    schemaFile,
    codecImport: config.codec === undefined ? null : codecImport(context.rootDir, context.outDir, config.codec),
    description: config.description ?? schemaDescription,
    validatorSource: compilation,
    version: config.version ?? QUEUE_EVOLUTION_DEFAULTS.version,
    compatibility: config.compatibility ?? QUEUE_EVOLUTION_DEFAULTS.compatibility,
    previousVersions: older.map(({ version, resolved, names: versionNames }) => ({
      version,
      schema: resolved.schema,
      dialect: resolved.dialect,
      schemaFile: resolved.schemaFile,
      names: versionNames,
      validatorSource: resolved.compilation,
    })),
    upgradeImport: upgrade === null ? null : codecImport(context.rootDir, context.outDir, upgrade),
    upgradeFile: upgrade === null ? null : modulePath(context.rootDir, upgrade),
  };
  return {
    model,
    compileError: firstError([compileError, ...older.map(({ resolved }) => resolved.compileError)]),
    unsafePatterns: Promise.all([unsafePatterns, ...older.map(({ resolved }) => resolved.unsafePatterns)]).then(
      (found) => found.flat(),
    ),
  };
}

/**
 * Several queues can be wrong at once: all of them are reported, in key
 * order, with the unsafe patterns as errors in `unsafePatterns: "error"` mode.
 */
async function queueOutcomes(
  results: readonly PromiseSettledResult<ResolvedQueue>[],
  unsafePatterns: UnsafePatternsMode,
): Promise<{ errors: unknown[]; warnings: CompileWarning[] }> {
  const outcomes = await Promise.all(
    results.map(async (result): Promise<{ errors: unknown[]; warnings: CompileWarning[] }> => {
      if (result.status === "rejected") return { errors: [result.reason], warnings: [] };
      const [compileError, patterns] = await Promise.all([
        result.value.compileError,
        result.value.unsafePatterns.catch((error: unknown) => error as Error),
      ]);
      if (!Array.isArray(patterns)) return { errors: [compileError ?? patterns], warnings: [] };
      const errors: unknown[] = compileError === undefined ? [] : [compileError];
      if (unsafePatterns !== "error") return { errors, warnings: patterns };
      return {
        errors: [...errors, ...patterns.map((warning) => new CompileError(warning.location, warning.problem))],
        warnings: [],
      };
    }),
  );
  return {
    errors: outcomes.flatMap((outcome) => outcome.errors),
    warnings: outcomes.flatMap((outcome) => outcome.warnings),
  };
}

function throwQueueErrors(errors: readonly unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    if (errors.every((error) => error instanceof CompileError)) throw new CompileErrors(errors);
    throw errors.find((error) => !(error instanceof CompileError));
  }
}

export interface ProjectModelOptions {
  /** Where compiled validators are looked up and stored. (Default: no cache) */
  readonly cache?: ArtifactMemo;
}

export interface PreparedProjectModel {
  readonly model: ProjectModel;
  /**
   * Resolves once every schema has compiled and its patterns are checked, to
   * the warnings found (unsafe patterns, in key order); rejects with what
   * `buildProjectModel` would throw.
   */
  readonly schemasCompiled: Promise<CompileWarning[]>;
}

/** The model as soon as every schema is resolved, with their compilation still running. */
export async function prepareProjectModel(
  config: PgmqGenConfig,
  configFilePath: string,
  options: ProjectModelOptions = {},
): Promise<PreparedProjectModel> {
  const configPath = path.resolve(configFilePath);
  const rootDir = path.dirname(configPath);
  const configFile = path.basename(configPath);
  const outDir = path.resolve(rootDir, config.outDir ?? CONFIG_DEFAULTS.outDir);
  const schemasDir = path.resolve(rootDir, config.schemasDir ?? CONFIG_DEFAULTS.schemasDir);
  const reader = createSchemaFileReader(
    rootDir,
    config.allowSchemasOutsideProject === true ? "anywhere" : [rootDir, schemasDir],
  );
  const unsafePatterns = config.unsafePatterns ?? CONFIG_DEFAULTS.unsafePatterns;
  const context = { rootDir, outDir, configFile, reader, schemasDir, cache: options.cache ?? NO_MEMO, unsafePatterns };

  // Code-unit order, not localeCompare: the same on every machine.
  const keys = Object.keys(config.queues).sort();
  const results = await Promise.allSettled(keys.map((key) => queueModel(key, config.queues[key]!, context)));
  const schemasCompiled = queueOutcomes(results, unsafePatterns).then(({ errors, warnings }) => {
    throwQueueErrors(errors);
    return warnings;
  });
  // Handled here, so it is no unhandled rejection before the caller awaits it; awaiting it still throws.
  schemasCompiled.catch(() => undefined);
  // A queue that could not be resolved fails the build now, together with whatever the others' compilation finds.
  if (results.some((result) => result.status === "rejected")) await schemasCompiled;

  const model: ProjectModel = {
    configFile,
    rootDir,
    outDir,
    runtimeImport: config.runtimeImport ?? CONFIG_DEFAULTS.runtimeImport,
    queues: results.map((result) => (result as PromiseFulfilledResult<ResolvedQueue>).value.model),
    inputFiles: [configPath, ...reader.filesRead].sort(),
  };
  return { model, schemasCompiled };
}

/** The model, every schema resolved and compiled; throws `CompileError`/`CompileErrors` for every queue at fault. */
export async function buildProjectModel(
  config: PgmqGenConfig,
  configFilePath: string,
  options: ProjectModelOptions = {},
): Promise<ProjectModel> {
  const { model, schemasCompiled } = await prepareProjectModel(config, configFilePath, options);
  await schemasCompiled;
  return model;
}

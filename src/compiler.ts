/**
 * `pgmq-gen/compiler`: the programmatic API behind the CLI. One pass reads the
 * config and schemas, builds the model, emits the files and writes them.
 * Every error is found before anything is written.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { NO_CACHE, openGeneratorCache } from "./cache/generatorCache.js";
import { loadConfig } from "./config/load.js";
import { validateConfig } from "./config/validate.js";
import { emitProject } from "./emit/project.js";
import { writeGeneratedFiles, type WriteResult } from "./output/writer.js";
import { startCompileThreads, workerEntry } from "./model/compileThreads.js";
import { prepareProjectModel } from "./model/projectModel.js";
import type { CompileWarning } from "./errors.js";

export { loadConfig, CONFIG_SEARCH_PLACES, PACKAGE_JSON_KEY } from "./config/load.js";
export type { LoadConfigOptions, LoadedConfig } from "./config/load.js";
export { validateConfig } from "./config/validate.js";
export type { ValidateConfigOptions } from "./config/validate.js";
export { writeGeneratedFiles } from "./output/writer.js";
export { GENERATED_MARKER } from "./emit/banner.js";
export type { WriteOptions, WriteResult } from "./output/writer.js";
export { CompileError, CompileErrors, CompileWarning, formatLocation } from "./errors.js";
export type { CompileErrorLocation } from "./errors.js";
export type { GeneratedFile } from "./emit/types.js";
export type { ProjectModel, QueueModel } from "./model/types.js";
export { compareSchemas } from "./evolution/compareSchemas.js";
export type {
  CompareSchemasOptions,
  CompatibilityMode,
  SchemaChange,
  SchemaChangeKind,
  SchemaComparison,
  SchemaDraft,
} from "./evolution/types.js";

export interface GenerateOptions {
  /** Folder searched for the config; relative paths start here. (Default: `process.cwd()`) */
  cwd?: string;
  /** Config file to use instead of searching, relative to `cwd`. (Default: search `cwd`) */
  configPath?: string;
  /** Write nothing; report out-of-date files in `write.stale`. (Default: false) */
  check?: boolean;
  /**
   * Reuse validators and payload types an identical generator made for an
   * identical schema, from `node_modules/.cache/pgmq-gen/` (see
   * cache/generatorCache.ts), and save this run's there. (Default: true)
   */
  cache?: boolean;
}

export interface GenerateResult {
  /** Absolute path of the config file used. */
  readonly configFile: string;
  /** Absolute output folder. */
  readonly outDir: string;
  /** Number of configured queues. */
  readonly queueCount: number;
  /** What the writer did (or, with `check`, would do). */
  readonly write: WriteResult;
  /** Absolute paths of the config and every schema read, for `--watch`. */
  readonly inputFiles: readonly string[];
  /** Wall-clock time of the whole pass, in milliseconds. */
  readonly durationMs: number;
  /** What the user should fix that did not stop the build (patterns with catastrophic backtracking), in queue key order. */
  readonly warnings: readonly CompileWarning[];
}

/**
 * The code whose output the build cache keeps: model/ and emit/ beside this
 * file (src/ or dist/), the templates, and the folder the compiler threads
 * run from, which is dist/ even when this runs from src/ (see
 * compileThreads.ts): a stale build must not have its output cached under the
 * sources' key.
 */
function generatorCode(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [
    path.join(here, "model"),
    path.join(here, "emit"),
    path.join(here, "../templates"),
    path.dirname(fileURLToPath(workerEntry())),
  ];
}

/** Loads, validates, models, emits and writes; throws `CompileError`/`CompileErrors` before writing anything. */
export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const loaded = await loadConfig({
    cwd,
    ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
  });
  const config = validateConfig(loaded.config, loaded.filePath, { displayPath: loaded.displayPath });
  const cache = options.cache === false ? NO_CACHE : await openGeneratorCache(loaded.filePath, generatorCode());
  // Without cached validators every schema compiles: the threads load ajv while this thread resolves the schemas.
  if (!cache.warm) startCompileThreads();
  const { model, schemasCompiled } = await prepareProjectModel(config, loaded.filePath, { cache });
  // Emit starts on the payload types while the schemas finish compiling.
  const emitted = emitProject(model, cache);
  // If a schema does not compile, that CompileError is the one to report, not what emit then makes of it.
  emitted.catch(() => undefined);
  const warnings = await schemasCompiled;
  const files = await emitted;
  const write = await writeGeneratedFiles(model.outDir, files, {
    check: options.check ?? false,
    displayFrom: model.rootDir,
  });
  await cache.save();
  return {
    configFile: loaded.filePath,
    outDir: model.outDir,
    queueCount: model.queues.length,
    write,
    inputFiles: model.inputFiles,
    durationMs: Math.round(performance.now() - started),
    warnings,
  };
}

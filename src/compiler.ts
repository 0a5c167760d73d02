/**
 * `pgmq-gen/compiler`: the programmatic API behind the CLI. One pass reads the
 * config and schemas, builds the model, checks it against `pgmq.lock.json`,
 * emits the files and writes them and the lock. Every error is found before
 * anything is written.
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
import { CompileErrors, type CompileError, type CompileWarning } from "./errors.js";
import { lockContext } from "./lock/lockContext.js";
import { readLockFile, writeLockFile } from "./lock/lockFileOnDisk.js";
import type { LockResult } from "./lock/types.js";
import { updateLock } from "./lock/updateLock.js";
import { missingPreviousErrors, missingPreviousSchemas, writePreviousSchemas } from "./lock/writePreviousSchemas.js";

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
export { LOCK_FILE_NAME } from "./lock/types.js";
export type { LockResult } from "./lock/types.js";
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
  /**
   * Write nothing; report out-of-date files in `write.stale`, and a missing
   * or out-of-date `pgmq.lock.json` in `lock.stale`. (Default: false)
   */
  check?: boolean;
  /**
   * Before building the model, write each `previous` schema file the config
   * names that does not exist, from the schema `pgmq.lock.json` holds for
   * that version; never overwrites a file. Without it such a file is an
   * error that says to use it. Cannot be combined with `check`. (Default: false)
   */
  writePrevious?: boolean;
  /**
   * Told each file `writePrevious` writes, as it is written, so it is known
   * even when the run then fails (a successful run lists them in
   * `lock.previousWritten` too). (Default: told nothing)
   */
  logger?: { info(message: string): void };
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
  /** What happened to `pgmq.lock.json` (or, with `check`, would). */
  readonly lock: LockResult;
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

function throwAll(errors: readonly CompileError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CompileErrors(errors);
}

/**
 * Loads, validates, models, checks the lock, emits and writes; throws
 * `CompileError`/`CompileErrors` before writing anything (but the files
 * `writePrevious` wrote).
 */
export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const check = options.check ?? false;
  if (check && options.writePrevious === true) {
    throw new TypeError("generate(): check writes nothing, so it cannot be combined with writePrevious");
  }
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const loaded = await loadConfig({
    cwd,
    ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
  });
  const config = validateConfig(loaded.config, loaded.filePath, { displayPath: loaded.displayPath });
  const lock = lockContext(config, loaded.filePath);
  const locked = await readLockFile(lock.lockPath, lock.lockFile);
  // The model reads the previous files, so they are written (or found missing) before it is built.
  const missing = await missingPreviousSchemas(config, locked, lock);
  if (options.writePrevious !== true) throwAll(missingPreviousErrors(missing, lock));
  const previousWritten = await writePreviousSchemas(missing, (file) =>
    options.logger?.info(
      `wrote ${file.shown}: version ${file.version} of queue "${file.queue}", from ${lock.lockFile}`,
    ),
  );
  const cache = options.cache === false ? NO_CACHE : await openGeneratorCache(loaded.filePath, generatorCode());
  // Without cached validators every schema compiles: the threads load ajv while this thread resolves the schemas.
  if (!cache.warm) startCompileThreads();
  const { model, schemasCompiled } = await prepareProjectModel(config, loaded.filePath, { cache });
  // Never cached: the lock and the schemas are compared on every run.
  const lockUpdate = updateLock(model, locked, lock);
  if (lockUpdate.errors.length > 0) {
    // A schema that does not compile is the error to report first; the lock's verdict on it can wait.
    await schemasCompiled;
    throwAll(lockUpdate.errors);
  }
  // Emit starts on the payload types while the schemas finish compiling.
  const emitted = emitProject(model, cache);
  // If a schema does not compile, that CompileError is the one to report, not what emit then makes of it.
  emitted.catch(() => undefined);
  const warnings = await schemasCompiled;
  const files = await emitted;
  const write = await writeGeneratedFiles(model.outDir, files, { check, displayFrom: model.rootDir });
  // After the generated files: a refusal there writes nothing, the lock included.
  const lockWrite = await writeLockFile(lock.lockPath, lockUpdate.text, { check });
  await cache.save();
  return {
    configFile: loaded.filePath,
    outDir: model.outDir,
    queueCount: model.queues.length,
    write,
    lock: {
      path: lock.lockPath,
      ...lockWrite,
      recorded: lockUpdate.recorded,
      updated: lockUpdate.updated,
      removed: lockUpdate.removed,
      previousWritten,
    },
    inputFiles: model.inputFiles,
    durationMs: Math.round(performance.now() - started),
    warnings,
  };
}

/**
 * Finds and loads the user's config with cosmiconfig. TypeScript and
 * JavaScript configs go through jiti (cosmiconfig-typescript-loader), because
 * cosmiconfig's own TypeScript loader transpiles only the config file itself
 * and fails when it imports another local `.ts` file. jiti also lets `--watch`
 * load an edited config again (its module cache is turned off).
 *
 * `import { defineConfig } from "pgmq-gen"` in a config resolves through
 * jiti's resolver, which honours the conditions node runs with: under
 * `--conditions=pgmq-gen-source` it loads `src/index.ts`, otherwise the
 * package's `dist/`.
 */
import { realpath } from "node:fs/promises";
import path from "node:path";
import { cosmiconfig, defaultLoaders, type Loader } from "cosmiconfig";
import { TypeScriptLoader } from "cosmiconfig-typescript-loader";
import { CompileError } from "../errors.js";

/** Where `pgmq-gen` looks for a config, in this order. */
export const CONFIG_SEARCH_PLACES = [
  "pgmq.config.ts",
  "pgmq.config.mts",
  "pgmq.config.cts",
  "pgmq.config.js",
  "pgmq.config.mjs",
  "pgmq.config.cjs",
  "pgmq.config.json",
  "package.json",
] as const;

/** The key of package.json that may hold the config. */
export const PACKAGE_JSON_KEY = "pgmq";

export interface LoadConfigOptions {
  /** Folder searched for a config and against which `configPath` is resolved. (Default: `process.cwd()`) */
  cwd?: string;
  /** A config file to load instead of searching, relative to `cwd`. (Default: search `cwd` in the order of `CONFIG_SEARCH_PLACES`) */
  configPath?: string;
}

export interface LoadedConfig {
  /** The exported config, not validated yet. */
  readonly config: unknown;
  /** Absolute path of the config file (package.json for its "pgmq" key). */
  readonly filePath: string;
  /** The config file as errors show it: relative to `cwd`. */
  readonly displayPath: string;
}

function codeLoader(): Loader {
  const load = TypeScriptLoader({ moduleCache: false });
  return async (filePath, content) => unwrapModule(await load(filePath, content));
}

/** Reports a failing load as a `CompileError` naming the file that failed (a search tries several). */
function reportingFailures(load: Loader, cwd: string): Loader {
  return async (filePath, content) => {
    try {
      return await load(filePath, content);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The loader's own prefix says nothing the user needs: the file may well be JavaScript.
      const reason = message.replace(/^TypeScriptLoader failed to compile TypeScript:\s*/, "");
      const file = path.relative(cwd, filePath) || filePath;
      throw new CompileError({ file }, `cannot load the config: ${reason}`, { cause: error });
    }
  };
}

/** Marks a module namespace that had no default export (see `unwrapModule`). */
const NO_DEFAULT_EXPORT = Symbol("no default export");

/**
 * The loader returns `module.default || module`. A namespace back means there
 * was no default export: accept the module itself when it exports `queues`,
 * otherwise report it.
 */
function unwrapModule(loaded: unknown): unknown {
  if (typeof loaded !== "object" || loaded === null) return loaded;
  const isNamespace = Object.prototype.toString.call(loaded) === "[object Module]" || "__esModule" in loaded;
  if (!isNamespace) return loaded;
  if (!("queues" in loaded)) return NO_DEFAULT_EXPORT;
  const { __esModule: _marker, default: _default, ...namedExports } = loaded as Record<string, unknown>;
  return namedExports;
}

function createExplorer(cwd: string) {
  const loadCode = reportingFailures(codeLoader(), cwd);
  const loadJson = reportingFailures(defaultLoaders[".json"], cwd);
  return cosmiconfig(PACKAGE_JSON_KEY, {
    searchPlaces: [...CONFIG_SEARCH_PLACES],
    searchStrategy: "none",
    // An empty config file must be reported, not skipped in favour of the next search place.
    ignoreEmptySearchPlaces: false,
    // --watch loads the config again after every edit.
    cache: false,
    loaders: {
      ".json": loadJson,
      ".ts": loadCode,
      ".mts": loadCode,
      ".cts": loadCode,
      ".js": loadCode,
      ".mjs": loadCode,
      ".cjs": loadCode,
    },
  });
}

/** Finds (or takes `configPath`) and evaluates the config; throws `CompileError` when there is none or it fails to load. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const explorer = createExplorer(cwd);
  let result: Awaited<ReturnType<typeof explorer.load>>;
  let filePath: string;
  if (options.configPath !== undefined) {
    filePath = path.resolve(cwd, options.configPath);
    const displayPath = path.relative(cwd, filePath) || filePath;
    try {
      filePath = await realpath(filePath);
    } catch {
      throw new CompileError({ file: displayPath }, "config file not found; check the --config path");
    }
    result = await loadOrReport(() => explorer.load(filePath), displayPath);
  } else {
    result = await loadOrReport(() => explorer.search(cwd), cwd);
    if (result === null) {
      throw new CompileError(
        { file: cwd },
        `no pgmq-gen config found; create pgmq.config.ts (export default defineConfig({ queues: { ... } })), add a "${PACKAGE_JSON_KEY}" key to package.json, or pass --config <path>`,
      );
    }
    filePath = result.filepath;
  }
  const displayPath = path.relative(cwd, filePath) || filePath;
  if (result === null || result.isEmpty === true || result.config === NO_DEFAULT_EXPORT) {
    throw new CompileError(
      { file: displayPath },
      "the config has no default export; expected export default defineConfig({ queues: { ... } })",
    );
  }
  return { config: result.config, filePath, displayPath };
}

async function loadOrReport<T>(load: () => Promise<T>, displayPath: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof CompileError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CompileError({ file: displayPath }, `cannot load the config: ${reason}`, { cause: error });
  }
}

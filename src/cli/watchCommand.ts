/**
 * `pgmq-gen --watch`: generates, then again after every change to the config
 * or a schema, until SIGINT/SIGTERM. Errors are printed and watching goes on.
 *
 * Folders are watched rather than files (non-recursively, with node's
 * fs.watch): editors often save by writing a new file and renaming it over
 * the old one, which a file watch would lose track of. The folders are the
 * config's, the schemas folder and the folder of every input the last run
 * read (schemas may `$ref` files elsewhere); the set is recomputed after
 * every run.
 *
 * pgmq.lock.json, beside the config, is this command's output too: a change
 * to it starts a run only when its text is not what the last run left (a
 * person edited it, say to delete a queue's entry on purpose).
 */
import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { generate, type GenerateResult } from "../compiler.js";
import { CONFIG_DEFAULTS } from "../config/defaults.js";
import { loadConfig } from "../config/load.js";
import { validateConfig } from "../config/validate.js";
import { LOCK_FILE_NAME } from "../lock/types.js";
import { errorLines, generateSummary, lockLines, warningLines } from "./messages.js";
import { ExitCode, type Terminal } from "./terminal.js";

/** Quiet time after the last change before generating, in milliseconds: one save often fires several events. */
const DEBOUNCE_MS = 100;

export interface WatchCommandOptions {
  cwd: string;
  configPath?: string;
  /** Write missing previous schema files from pgmq.lock.json before each run. (Default: false) */
  writePrevious?: boolean;
  /** Read and save the build cache. (Default: true) */
  cache?: boolean;
}

interface WatchTargets {
  folders: Set<string>;
  /** Changes here are our own output and must not trigger a run. */
  outDir: string | null;
  /** The lock file, which runs write: a change triggers a run only when someone else made it. */
  lockFile: string;
}

/** The file's text, or null when it cannot be read (missing). */
function textOf(file: string): Promise<string | null> {
  return readFile(file, "utf8").catch(() => null);
}

export async function runWatchCommand(options: WatchCommandOptions, terminal: Terminal): Promise<ExitCode> {
  const watchers = new Map<string, FSWatcher>();
  let targets: WatchTargets = await initialTargets(options);
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let rerun = false;
  /** The lock's text when the last run ended. */
  let lockText: string | null = null;

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void runOnce(), DEBOUNCE_MS);
  };

  const onChange = (folder: string, fileName: string | Buffer | null) => {
    const name = fileName?.toString() ?? null;
    if (name !== null) {
      if (path.basename(name).startsWith(".")) return; // editor swap files, our own temp files
      const changed = path.join(folder, name);
      if (targets.outDir !== null && (changed === targets.outDir || changed.startsWith(targets.outDir + path.sep)))
        return;
      if (changed === targets.lockFile) {
        // Written during a run, it is the run's own write.
        if (running) return;
        void textOf(changed).then((text) => {
          if (text !== lockText) schedule();
        });
        return;
      }
    }
    schedule();
  };

  const updateWatchers = () => {
    for (const [folder, watcher] of watchers) {
      if (!targets.folders.has(folder)) {
        watcher.close();
        watchers.delete(folder);
      }
    }
    for (const folder of targets.folders) {
      if (watchers.has(folder)) continue;
      try {
        const watcher = watch(folder, (_event, fileName) => onChange(folder, fileName));
        watcher.on("error", () => {
          watcher.close();
          watchers.delete(folder);
        });
        watchers.set(folder, watcher);
      } catch {
        // A folder that does not exist yet (schemas/): its parent is watched, and creating it triggers a run that retries.
      }
    }
  };

  const runOnce = async () => {
    if (running) {
      rerun = true;
      return;
    }
    running = true;
    try {
      const logger = { info: (message: string) => terminal.out(`pgmq-gen: ${message}`) };
      const result = await generate({ ...options, logger }).catch((error: unknown) => {
        for (const line of errorLines(error)) terminal.err(line);
        return null;
      });
      if (result !== null) {
        for (const line of warningLines(result)) terminal.err(line);
        terminal.out(generateSummary(result));
        for (const line of lockLines(result, options.cwd)) terminal.out(line);
      }
      targets = result !== null ? targetsOf(result) : await targetsAfterFailure(options, targets);
      lockText = await textOf(targets.lockFile);
      updateWatchers();
    } finally {
      running = false;
    }
    if (rerun) {
      rerun = false;
      await runOnce();
    }
  };

  await runOnce();
  terminal.out(
    `pgmq-gen: watching ${[...watchers.keys()].map((folder) => path.relative(options.cwd, folder) || ".").join(", ")} for changes (Ctrl-C to stop)`,
  );

  await new Promise<void>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return ExitCode.ok;
}

function targetsOf(result: GenerateResult): WatchTargets {
  const folders = new Set([path.dirname(result.configFile), ...result.inputFiles.map((file) => path.dirname(file))]);
  return { folders, outDir: result.outDir, lockFile: result.lock.path };
}

/** Before the first successful run: the config's folder (or the search folder) and the default schemas folder. */
async function initialTargets(options: WatchCommandOptions): Promise<WatchTargets> {
  const configDir =
    options.configPath !== undefined ? path.dirname(path.resolve(options.cwd, options.configPath)) : options.cwd;
  return {
    folders: new Set([configDir, path.join(configDir, CONFIG_DEFAULTS.schemasDir)]),
    outDir: null,
    lockFile: path.join(configDir, LOCK_FILE_NAME),
  };
}

/**
 * After a failed run the model's inputs are unknown; the config alone still
 * names the schemas folder, so a fix there is noticed. Keeps the previous
 * folders too, so a fix to a `$ref`'d file elsewhere is seen as well.
 */
async function targetsAfterFailure(options: WatchCommandOptions, previous: WatchTargets): Promise<WatchTargets> {
  try {
    const loaded = await loadConfig(options);
    const config = validateConfig(loaded.config, loaded.filePath, { displayPath: loaded.displayPath });
    const configDir = path.dirname(loaded.filePath);
    const folders = new Set([
      ...previous.folders,
      configDir,
      path.resolve(configDir, config.schemasDir ?? CONFIG_DEFAULTS.schemasDir),
    ]);
    return {
      folders,
      outDir: path.resolve(configDir, config.outDir ?? CONFIG_DEFAULTS.outDir),
      lockFile: path.join(configDir, LOCK_FILE_NAME),
    };
  } catch {
    return previous;
  }
}

/**
 * Puts the generated files on disk, and is the only compiler module that
 * does. It touches a file only when its bytes change (so editors, `tsc
 * --watch` and build caches see no churn), replaces files atomically (temp
 * file + rename in the same folder: a crash never leaves half a file), and
 * removes a stale file only when it is this config's: its first line is the
 * banner naming the config this run's files name (banner.ts), and its
 * extension is one this run writes (or it is this writer's temp file). So a
 * user's own file in the output folder is never deleted, not even a
 * `notes.md` that quotes the banner, and neither are the files another config
 * generated into the same outDir.
 *
 * Nor is one overwritten: a file at a generated file's path that is not this
 * config's (a hand-written `src/index.ts` under `outDir: "src"`, or the
 * `index.ts` another config generated there) is refused, every target is
 * checked before the first write, and a refusal writes and removes nothing.
 * Check mode refuses the same way, since the run it asks for would. Refusing
 * another config's file rather than taking it over means two configs cannot
 * share an outDir, since each writes `index.ts`: letting the last run win
 * would leave the other config's `index.ts` (its `Handlers`, its
 * `createWorker`) silently wrong, and each config's `--check` failing after
 * the other's run.
 *
 * Limit: the banner names the config by file name only, so two configs with
 * the same file name in different folders, given the same outDir, are taken
 * for one.
 */
import { randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { CompileError, CompileErrors } from "../errors.js";
import { bannerConfigFile, GENERATED_MARKER } from "../emit/banner.js";
import type { GeneratedFile } from "../emit/types.js";

export interface WriteOptions {
  /** Compare only: write and remove nothing, report what is out of date in `stale`. (Default: false) */
  check?: boolean;
  /** Folder the paths in errors are relative to (the config file's folder). (Default: `process.cwd()`) */
  displayFrom?: string;
}

/** Paths relative to `outDir`, with `/` separators, sorted. */
export interface WriteResult {
  /** Files created or rewritten because their bytes changed. Empty in check mode. */
  readonly written: string[];
  /** Files whose bytes were already right. */
  readonly unchanged: string[];
  /** Generated files no longer produced, removed. Empty in check mode. */
  readonly removed: string[];
  /** Check mode only: files that would be written or removed. */
  readonly stale: string[];
}

/** Writes `files` under `outDir` (absolute) and removes the generated files they no longer include. */
export async function writeGeneratedFiles(
  outDir: string,
  files: readonly GeneratedFile[],
  options: WriteOptions = {},
): Promise<WriteResult> {
  const check = options.check ?? false;
  const wanted = new Map<string, string>();
  for (const file of files) wanted.set(normalizeRelativePath(file.path), file.contents);
  const configFile = configFileOfRun(files);
  // Derived, not listed: a file type this run does not write is not one it may remove.
  const extensions = new Set([...wanted.keys()].map((relativePath) => path.posix.extname(relativePath)));

  const written: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  const stale: string[] = [];

  const toWrite: [target: string, bytes: Buffer, relativePath: string][] = [];
  const refusals: CompileError[] = [];
  for (const [relativePath, contents] of wanted) {
    const target = path.join(outDir, relativePath);
    const bytes = Buffer.from(contents, "utf8");
    const existing = await existingFile(target, bytes, configFile);
    if (existing.state === "same") unchanged.push(relativePath);
    else if (existing.state === "absent" || existing.state === "ours") toWrite.push([target, bytes, relativePath]);
    else refusals.push(refusal(target, existing, configFile, options.displayFrom ?? process.cwd()));
  }
  if (refusals.length === 1) throw refusals[0];
  if (refusals.length > 1) throw new CompileErrors(refusals);

  for (const [target, bytes, relativePath] of toWrite) {
    if (check) {
      stale.push(relativePath);
    } else {
      await replaceFile(target, bytes);
      written.push(relativePath);
    }
  }

  for (const relativePath of await listFiles(outDir)) {
    if (wanted.has(relativePath) || !extensions.has(path.posix.extname(generatedName(relativePath)))) continue;
    const target = path.join(outDir, relativePath);
    if ((await bannerConfigFileOf(target)) !== configFile) continue;
    if (check) {
      stale.push(relativePath);
    } else {
      await rm(target, { force: true });
      await removeEmptyFolders(path.dirname(target), outDir);
      removed.push(relativePath);
    }
  }

  return { written: written.sort(), unchanged: unchanged.sort(), removed: removed.sort(), stale: stale.sort() };
}

/** "a\\b.ts" -> "a/b.ts"; rejects paths that would leave `outDir`. */
function normalizeRelativePath(filePath: string): string {
  const normalized = path.posix.normalize(filePath.replaceAll("\\", "/"));
  if (path.posix.isAbsolute(normalized) || normalized === ".." || normalized.startsWith("../") || normalized === ".") {
    throw new Error(
      `generated file path ${JSON.stringify(filePath)} must be relative to the output folder and stay inside it`,
    );
  }
  return normalized;
}

/**
 * The config file every one of `files` names in its banner: the run's owner,
 * which may overwrite and remove only the files whose banner names it too.
 */
function configFileOfRun(files: readonly GeneratedFile[]): string {
  const named = new Set(files.map((file) => bannerConfigFile(firstLineOf(file.contents))));
  const [configFile] = named;
  if (named.size !== 1 || configFile === null || configFile === undefined) {
    const found = [...named].map((name) => JSON.stringify(name)).join(", ") || "no files";
    throw new Error(
      `every generated file must start with the "${GENERATED_MARKER} from <config file>" banner, all naming one config file (found ${found})`,
    );
  }
  return configFile;
}

/**
 * What is at a generated file's path: only a missing file or one of this
 * config's may be (over)written. `another-config` is a file with the banner
 * that names another config file (`owner`), or none.
 */
type ExistingFile =
  | { state: "same" | "absent" | "ours" | "foreign" | "folder" | "under-a-file" }
  | { state: "another-config"; owner: string | null };

async function existingFile(target: string, bytes: Buffer, configFile: string): Promise<ExistingFile> {
  let current: Buffer;
  try {
    current = await readFile(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOENT") return { state: "absent" };
    if (code === "EISDIR") return { state: "folder" };
    if (code === "ENOTDIR") return { state: "under-a-file" };
    throw error;
  }
  if (current.equals(bytes)) return { state: "same" };
  const head = current.subarray(0, HEAD_BYTES).toString("utf8");
  if (!head.startsWith(GENERATED_MARKER)) return { state: "foreign" };
  const owner = bannerConfigFile(firstLineOf(head));
  return owner === configFile ? { state: "ours" } : { state: "another-config", owner };
}

function refusal(target: string, existing: ExistingFile, configFile: string, displayFrom: string): CompileError {
  const shown = path.relative(displayFrom, target).split(path.sep).join("/") || target;
  if (existing.state === "another-config") {
    const from =
      existing.owner === null
        ? "this file's pgmq-gen banner names no config file"
        : `this file was generated from ${existing.owner}`;
    const gone =
      existing.owner === null ? "" : `, or, if ${existing.owner} was renamed or removed, delete the files it generated`;
    return new CompileError(
      { file: shown, option: "outDir" },
      `${from}, not from ${configFile}, and a config's run never overwrites another config's files; nothing was written: give each config its own outDir (each writes index.ts)${gone}`,
    );
  }
  const what =
    existing.state === "foreign"
      ? `this file was not generated by pgmq-gen (its first line is not the "${GENERATED_MARKER}" banner), and pgmq-gen never overwrites a file it did not write`
      : existing.state === "folder"
        ? "pgmq-gen must write a generated file here, but this is a folder"
        : "pgmq-gen must write a generated file here, but a file stands where one of its folders must be";
  return new CompileError(
    { file: shown, option: "outDir" },
    `${what}; nothing was written: choose another outDir, or move or delete the file if it is yours to remove`,
  );
}

async function replaceFile(target: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  // Same folder as the target so the rename never crosses file systems, which would not be atomic. Named as TEMPORARY_FILE matches.
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Regular files under `folder`, relative, `/`-separated; symlinks are not followed. Empty when the folder is missing. */
async function listFiles(folder: string, prefix = ""): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(folder, prefix), { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const relativePath = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(folder, relativePath)));
    else if (entry.isFile()) files.push(relativePath);
  }
  return files;
}

/** replaceFile's temp file, `.<name>.<12 hex digits>.tmp`: a crash can leave one behind. */
const TEMPORARY_FILE = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;

/** The generated file's own path for one of replaceFile's temp files, else the path itself. */
function generatedName(relativePath: string): string {
  const match = TEMPORARY_FILE.exec(path.posix.basename(relativePath));
  return match === null ? relativePath : path.posix.join(path.posix.dirname(relativePath), match[1]!);
}

/** Bytes read for a first line: the banner with any config file name a person would give fits. */
const HEAD_BYTES = 4096;

function firstLineOf(text: string): string {
  const end = text.indexOf("\n");
  return end === -1 ? text : text.slice(0, end);
}

/** The config file the file's banner names (null without one): only the files naming this run's config are its to remove. */
async function bannerConfigFileOf(target: string): Promise<string | null> {
  const handle = await open(target, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bannerConfigFile(firstLineOf(head.subarray(0, bytesRead).toString("utf8")));
  } finally {
    await handle.close();
  }
}

/** Removes folders emptied by removals, up to (not including) `outDir`. */
async function removeEmptyFolders(folder: string, outDir: string): Promise<void> {
  let current = folder;
  while (current !== outDir && current.startsWith(outDir + path.sep)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
    current = path.dirname(current);
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * Puts the generated files on disk, and is the only compiler module that
 * does. It touches a file only when its bytes change (so editors, `tsc
 * --watch` and build caches see no churn), replaces files atomically (temp
 * file + rename in the same folder: a crash never leaves half a file), and
 * removes stale files only when they carry the pgmq-gen banner, so a user's
 * own file in the output folder is never deleted.
 *
 * Nor is one overwritten: a file at a generated file's path that does not
 * start with the banner (a hand-written `src/index.ts` under `outDir: "src"`)
 * is refused, every target is checked before the first write, and a refusal
 * writes and removes nothing. Check mode refuses the same way, since the run
 * it asks for would.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { CompileError, CompileErrors } from "../errors.js";
import { GENERATED_MARKER } from "./banner.js";
import type { GeneratedFile } from "./types.js";

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
export async function writeGeneratedFiles(outDir: string, files: readonly GeneratedFile[], options: WriteOptions = {}): Promise<WriteResult> {
  const check = options.check ?? false;
  const wanted = new Map<string, string>();
  for (const file of files) wanted.set(normalizeRelativePath(file.path), file.contents);

  const written: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  const stale: string[] = [];

  const toWrite: [target: string, bytes: Buffer, relativePath: string][] = [];
  const refusals: CompileError[] = [];
  for (const [relativePath, contents] of wanted) {
    const target = path.join(outDir, relativePath);
    const bytes = Buffer.from(contents, "utf8");
    const state = await existingFile(target, bytes);
    if (state === "same") unchanged.push(relativePath);
    else if (state === "absent" || state === "generated") toWrite.push([target, bytes, relativePath]);
    else refusals.push(refusal(target, state, options.displayFrom ?? process.cwd()));
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
    if (wanted.has(relativePath)) continue;
    const target = path.join(outDir, relativePath);
    if (!(await startsWithBanner(target))) continue;
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
    throw new Error(`generated file path ${JSON.stringify(filePath)} must be relative to the output folder and stay inside it`);
  }
  return normalized;
}

/** What is at a generated file's path: only a missing or generated file may be (over)written. */
type ExistingFile = "same" | "absent" | "generated" | "foreign" | "folder" | "under-a-file";

async function existingFile(target: string, bytes: Buffer): Promise<ExistingFile> {
  let current: Buffer;
  try {
    current = await readFile(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENOENT") return "absent";
    if (code === "EISDIR") return "folder";
    if (code === "ENOTDIR") return "under-a-file";
    throw error;
  }
  if (current.equals(bytes)) return "same";
  return current.subarray(0, Buffer.byteLength(GENERATED_MARKER)).toString("utf8") === GENERATED_MARKER ? "generated" : "foreign";
}

function refusal(target: string, state: "foreign" | "folder" | "under-a-file", displayFrom: string): CompileError {
  const shown = path.relative(displayFrom, target).split(path.sep).join("/") || target;
  const what =
    state === "foreign"
      ? `this file was not generated by pgmq-gen (its first line is not the "${GENERATED_MARKER}" banner), and pgmq-gen never overwrites a file it did not write`
      : state === "folder"
        ? "pgmq-gen must write a generated file here, but this is a folder"
        : "pgmq-gen must write a generated file here, but a file stands where one of its folders must be";
  return new CompileError(
    { file: shown, option: "outDir" },
    `${what}; nothing was written: choose another outDir, or move or delete the file if it is yours to remove`,
  );
}

async function replaceFile(target: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  // Same folder as the target so the rename never crosses file systems, which would not be atomic.
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
  let entries;
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

/** Whether the file's first line starts with the banner: only then is it ours to remove. */
async function startsWithBanner(target: string): Promise<boolean> {
  const handle = await open(target, "r");
  try {
    const head = Buffer.alloc(Buffer.byteLength(GENERATED_MARKER));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).toString("utf8") === GENERATED_MARKER;
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


/**
 * `pgmq-gen --write-previous`: after bumping a queue's version, its old
 * schema file is usually gone or already edited to the new version. The lock
 * still holds each shipped version's schema, bundled (the files it `$ref`d
 * inlined, so later edits to them cannot change it), so this step writes the
 * file each `previous` entry names from there, before the model reads it.
 * It never overwrites a file, and writes only inside the project (the config
 * file's folder and schemasDir), as the model only reads there, unless
 * `allowSchemasOutsideProject` is set.
 */
import { mkdir, realpath, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PgmqGenConfig } from "../config/types.js";
import { CompileError } from "../errors.js";
import type { LockContext } from "./lockContext.js";
import type { LockedQueues } from "./types.js";

export interface MissingPreviousSchema {
  readonly queue: string;
  readonly version: number;
  /** Absolute path of the file the queue's `previous` names. */
  readonly path: string;
  /** Relative to the config file's folder, as messages show it. */
  readonly shown: string;
  /** The lock's schema of that version. */
  readonly schema: unknown;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    // Anything but "not there" (a permission problem): the model's read reports it.
    return (error as NodeJS.ErrnoException | undefined)?.code !== "ENOENT";
  }
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== "" && !relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative);
}

/** The nearest folder above `file` that exists, resolved through links. */
async function realFolderOf(file: string): Promise<string> {
  for (let folder = path.dirname(file); ; folder = path.dirname(folder)) {
    const real = await realpath(folder).catch(() => null);
    if (real !== null) return path.join(real, path.relative(folder, file));
    if (path.dirname(folder) === folder) return file;
  }
}

/** Inside the project, as written and through links; the model refuses to read anything else. */
async function isWritable(file: string, folders: readonly string[]): Promise<boolean> {
  if (!folders.some((folder) => isInside(folder, file))) return false;
  const [real, realFolders] = await Promise.all([
    realFolderOf(file),
    Promise.all(folders.map((folder) => realpath(folder).catch(() => folder))),
  ]);
  return realFolders.some((folder) => isInside(folder, real));
}

/**
 * The `previous` files the config names that do not exist and whose version
 * the lock holds, by queue key and version. Files outside the project are
 * left out (unless `allowSchemasOutsideProject`): the model reports them.
 */
export async function missingPreviousSchemas(
  config: PgmqGenConfig,
  locked: LockedQueues | null,
  context: LockContext,
): Promise<MissingPreviousSchema[]> {
  if (locked === null) return [];
  const { rootDir, schemasDir } = context;
  const folders = [rootDir, schemasDir];
  const missing: MissingPreviousSchema[] = [];
  for (const key of Object.keys(config.queues).sort()) {
    const entry = locked.get(key);
    const previous = config.queues[key]!.previous ?? {};
    for (const version of Object.keys(previous)
      .map(Number)
      .sort((a, b) => a - b)) {
      const named = previous[version];
      const schema = entry?.schemas.get(version);
      if (typeof named !== "string" || schema === undefined) continue;
      const file = path.resolve(schemasDir, named);
      if (await exists(file)) continue;
      if (config.allowSchemasOutsideProject !== true && !(await isWritable(file, folders))) continue;
      const shown = path.relative(rootDir, file).split(path.sep).join("/");
      missing.push({ queue: key, version, path: file, shown, schema });
    }
  }
  return missing;
}

/** Without `--write-previous`: one error per missing file, saying that it would write it. */
export function missingPreviousErrors(missing: readonly MissingPreviousSchema[], context: LockContext): CompileError[] {
  return missing.map(
    ({ queue, version, shown }) =>
      new CompileError(
        { file: context.configFile, queue, option: `queues.${queue}.previous.${version}` },
        `schema file ${shown} does not exist; ${context.lockFile} holds version ${version}'s schema: run ` +
          "`pgmq-gen --write-previous` to write the file from it",
      ),
  );
}

/**
 * Writes each missing file: the lock's schema, 2-space JSON. Returns the
 * files written (as shown), calling `onWritten` as each is; a file that
 * appeared meanwhile is left as it is.
 */
export async function writePreviousSchemas(
  missing: readonly MissingPreviousSchema[],
  onWritten: (file: MissingPreviousSchema) => void,
): Promise<string[]> {
  const written: string[] = [];
  for (const file of missing) {
    await mkdir(path.dirname(file.path), { recursive: true });
    try {
      await writeFile(file.path, `${JSON.stringify(file.schema, null, 2)}\n`, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException | undefined)?.code === "EEXIST") continue;
      throw error;
    }
    written.push(file.shown);
    onWritten(file);
  }
  return written;
}

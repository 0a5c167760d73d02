/**
 * Reads and writes `pgmq.lock.json`. Written as the generated files are:
 * only when its bytes change, atomically (a temp file renamed over it: a
 * crash never leaves half a lock), and never in check mode.
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { CompileError } from "../errors.js";
import { parseLockFile } from "./lockFormat.js";
import type { LockedQueues } from "./types.js";

/** The lock's text, or null when there is none yet. */
export async function readLockText(lockPath: string): Promise<string | null> {
  try {
    return await readFile(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return null;
    throw error;
  }
}

/** The lock's queues, or null when there is no lock yet; throws `CompileError`s for a lock it cannot read. */
export async function readLockFile(lockPath: string, displayPath: string): Promise<LockedQueues | null> {
  let text: string | null;
  try {
    text = await readLockText(lockPath);
  } catch (error) {
    // A folder, or a file without read permission: named, as a schema file is.
    throw new CompileError({ file: displayPath }, `cannot read it: ${(error as Error).message}`);
  }
  return text === null ? null : parseLockFile(text, displayPath);
}

/** Writes `text` unless the file already holds it; in check mode only says whether it would. */
export async function writeLockFile(
  lockPath: string,
  text: string,
  options: { check: boolean },
): Promise<{ written: boolean; stale: boolean }> {
  if ((await readLockText(lockPath)) === text) return { written: false, stale: false };
  if (options.check) return { written: false, stale: true };
  // A dot name in the same folder: the rename never crosses file systems, and --watch ignores dot files.
  const temporary = path.join(
    path.dirname(lockPath),
    `.${path.basename(lockPath)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    await writeFile(temporary, text);
    await rename(temporary, lockPath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return { written: true, stale: false };
}

/**
 * Throwaway projects for the compiler's bad-input tests: a folder under
 * test/.tmp/ holding a config and schema files, and a listing of whatever
 * the compiler left in it.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const tmpRoot = fileURLToPath(new URL("../../.tmp/", import.meta.url));

export interface CompilerSandbox {
  readonly dir: string;
  /** Writes `files` (path relative to the sandbox → text) into the sandbox. */
  write(files: Record<string, string>): Promise<void>;
  /** Every file under `relativeDir`, with its text; empty when the folder does not exist. */
  snapshot(relativeDir: string): Promise<Record<string, string>>;
  remove(): Promise<void>;
}

export async function createCompilerSandbox(label: string): Promise<CompilerSandbox> {
  const dir = path.join(tmpRoot, `reliability-${label}-${randomBytes(4).toString("hex")}`);
  // Its own node_modules, so the build cache (node_modules/.cache/pgmq-gen) stays in the sandbox and goes with it.
  await mkdir(path.join(dir, "node_modules"), { recursive: true });
  return {
    dir,
    async write(files) {
      for (const [relative, text] of Object.entries(files)) {
        const file = path.join(dir, relative);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, text);
      }
    },
    async snapshot(relativeDir) {
      const root = path.join(dir, relativeDir);
      const exists = await stat(root).then(
        () => true,
        () => false,
      );
      if (!exists) return {};
      const out: Record<string, string> = {};
      for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const file = path.join(entry.parentPath, entry.name);
        out[path.relative(root, file)] = await readFile(file, "utf8");
      }
      return out;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

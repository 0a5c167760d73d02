/**
 * Throwaway project folders under test/.tmp/ (git-ignored). They sit inside
 * this package, so a config's `import { defineConfig } from "pgmq-gen"`
 * resolves as a package self-reference.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface TempProject {
  /** Absolute folder of the project. */
  readonly dir: string;
  /** Absolute path of a file inside the project. */
  path(relativePath: string): string;
  write(relativePath: string, contents: string): Promise<void>;
  read(relativePath: string): Promise<string>;
  remove(): Promise<void>;
}

/** Creates `test/.tmp/<label>-<random>/` holding `files` (relative path -> contents). */
export async function createTempProject(label: string, files: Record<string, string> = {}): Promise<TempProject> {
  const dir = path.join(packageRoot, "test", ".tmp", `${label}-${randomBytes(4).toString("hex")}`);
  const project: TempProject = {
    dir,
    path: (relativePath) => path.join(dir, relativePath),
    async write(relativePath, contents) {
      await mkdir(path.dirname(path.join(dir, relativePath)), { recursive: true });
      await writeFile(path.join(dir, relativePath), contents);
    },
    read: (relativePath) => readFile(path.join(dir, relativePath), "utf8"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await mkdir(dir, { recursive: true });
  for (const [relativePath, contents] of Object.entries(files)) await project.write(relativePath, contents);
  return project;
}

/**
 * A throw-away project folder for model and emit tests: a config path and
 * schema files under test/.tmp/, removed by `remove()`.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface SchemaProject {
  /** Absolute folder of the project. */
  readonly dir: string;
  /** Absolute path of its (never read) pgmq.config.ts. */
  readonly configPath: string;
  remove(): Promise<void>;
}

/** `files` maps paths relative to the project folder to JSON values (written as JSON) or raw text. */
export async function createSchemaProject(label: string, files: Record<string, unknown>): Promise<SchemaProject> {
  const dir = path.join(packageRoot, "test", ".tmp", `${label}-${randomBytes(4).toString("hex")}`);
  for (const [name, contents] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof contents === "string" ? contents : `${JSON.stringify(contents, null, 2)}\n`);
  }
  await mkdir(dir, { recursive: true });
  return {
    dir,
    configPath: path.join(dir, "pgmq.config.ts"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

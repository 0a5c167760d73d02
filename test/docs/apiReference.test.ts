/**
 * docs/api.md documents every public export: each name the package's entry
 * points export (values and types, as TypeScript sees them) must have a
 * heading of its own there (`### name`, optionally in backticks and followed
 * by a signature or a note).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The two packages' "exports" subpaths -> the source module each builds from. */
const ENTRY_POINTS = {
  "pgmq-gen": "src/index.ts",
  "pgmq-gen/runtime": "src/runtime.ts",
  "pgmq-gen/compiler": "src/compiler.ts",
  "@pgmq-gen/runtime": "packages/runtime/src/index.ts",
  "@pgmq-gen/runtime/contract": "packages/runtime/src/contract.ts",
} as const;

/** The package folders whose package.json "exports" ENTRY_POINTS lists. */
const PACKAGE_FOLDERS = [".", "packages/runtime"];

/** Every name each entry module exports, types included, re-exports followed. */
function exportedNames(): Map<string, string[]> {
  const files = Object.values(ENTRY_POINTS).map((file) => path.join(root, file));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const names = new Map<string, string[]>();
  for (const [entry, file] of Object.entries(ENTRY_POINTS)) {
    const source = program.getSourceFile(path.join(root, file));
    if (source === undefined) throw new Error(`cannot read ${file}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${file} is not a module`);
    names.set(
      entry,
      checker
        .getExportsOfModule(moduleSymbol)
        .map((symbol) => symbol.getName())
        .sort(),
    );
  }
  return names;
}

/** The names docs/api.md has a heading for: the first word of each `##`-`####` heading, backticks dropped. */
function documentedNames(): Set<string> {
  const markdown = readFileSync(path.join(root, "docs/api.md"), "utf8");
  const names = new Set<string>();
  for (const match of markdown.matchAll(/^#{2,4}[ \t]+`?([A-Za-z_$][\w$]*)/gm)) names.add(match[1]!);
  return names;
}

const exported = exportedNames();
const documented = documentedNames();

describe("docs/api.md", () => {
  for (const [entry, names] of exported) {
    test(`issue 12 #5: every export of ${entry} has a heading in docs/api.md`, () => {
      expect(names.length).toBeGreaterThan(0);
      const missing = names.filter((name) => !documented.has(name));
      expect(missing, `exports of ${entry} with no "### name" heading in docs/api.md: ${missing.join(", ")}`).toEqual(
        [],
      );
    });
  }

  test("issue 12 #5: the entry points are those of both packages' package.json exports", () => {
    const sources = PACKAGE_FOLDERS.flatMap((folder) => {
      const manifest = JSON.parse(readFileSync(path.join(root, folder, "package.json"), "utf8")) as {
        name: string;
        exports: Record<string, { "pgmq-gen-source"?: string }>;
      };
      return Object.entries(manifest.exports)
        .filter(([, target]) => typeof target === "object" && target["pgmq-gen-source"] !== undefined)
        .map(([subpath, target]) => [
          subpath.replace(/^\./, manifest.name),
          path.posix.join(folder, target["pgmq-gen-source"]!),
        ]);
    });
    expect(Object.fromEntries(sources)).toEqual(ENTRY_POINTS);
  });
});

/**
 * What, besides its own input, decides a cached artifact's bytes: the
 * versions of the libraries that write them (ajv, ajv-formats,
 * json-schema-to-typescript, prettier, recheck's verdicts on patterns) and pgmq-gen's own model and emit
 * code, hashed file by file, so an edit to the generator (a local build, not
 * only a release) invalidates every entry.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { workerEntry } from "../model/compileThreads.js";

const require = createRequire(import.meta.url);

/** The packages whose code writes cached artifacts; prettier is the one json-schema-to-typescript loads. */
function libraryManifests(): string[] {
  const fromTypeGenerator = createRequire(require.resolve("json-schema-to-typescript"));
  return [
    require.resolve("ajv/package.json"),
    require.resolve("ajv-formats/package.json"),
    require.resolve("json-schema-to-typescript/package.json"),
    fromTypeGenerator.resolve("prettier/package.json"),
    require.resolve("recheck/package.json"),
  ];
}

/**
 * The generator's code: every file of model/ and emit/ beside this folder
 * (src/ or dist/), the templates, and the folder the compiler threads run
 * from, which is dist/ even when this runs from src/ (see compileThreads.ts):
 * a stale build must not have its output cached under the sources' key.
 */
function codeFolders(): string[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const folders = [
    path.join(here, "../model"),
    path.join(here, "../emit"),
    path.join(here, "../../templates"),
    path.dirname(fileURLToPath(workerEntry())),
  ];
  return [...new Set(folders.map((folder) => path.resolve(folder)))];
}

let fingerprint: Promise<string> | undefined;

/** Hex SHA-256 over the libraries' name@version and the generator's files; computed once per process. */
export function generatorFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const hash = createHash("sha256");
    for (const manifest of libraryManifests()) {
      const { name, version } = JSON.parse(await readFile(manifest, "utf8")) as { name: string; version: string };
      hash.update(`${name}@${version}\n`);
    }
    for (const folder of codeFolders()) {
      const files = (await readdir(folder, { withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
      for (const name of files.sort()) {
        hash.update(`${name}\n`);
        hash.update(await readFile(path.join(folder, name)));
      }
    }
    return hash.digest("hex");
  })();
  return fingerprint;
}

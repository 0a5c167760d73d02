/**
 * What, besides its own input, decides a cached artifact's bytes: the
 * versions of the libraries that write them (ajv, ajv-formats,
 * json-schema-to-typescript, prettier, recheck's verdicts on patterns) and pgmq-gen's own model and emit
 * code (the folders the compiler names), hashed file by file, so an edit to the generator (a local build, not
 * only a release) invalidates every entry.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

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

let fingerprint: Promise<string> | undefined;

/**
 * Hex SHA-256 over the libraries' name@version and every file of
 * `codeFolders` (the generator's code, which the caller knows: the cache
 * knows nothing of the pipeline it serves); computed once per process.
 */
export function generatorFingerprint(codeFolders: readonly string[]): Promise<string> {
  fingerprint ??= (async () => {
    const hash = createHash("sha256");
    for (const manifest of libraryManifests()) {
      const { name, version } = JSON.parse(await readFile(manifest, "utf8")) as { name: string; version: string };
      hash.update(`${name}@${version}\n`);
    }
    for (const folder of [...new Set(codeFolders.map((folder) => path.resolve(folder)))]) {
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

/** Installed package versions, read from node_modules so the report names what actually ran. */
import { readFileSync } from "node:fs";

/**
 * Where packages are looked up, in Node's order from this folder: the peers
 * live in bench/node_modules (bench/package.json), pgmq-gen's own dependencies
 * in the root node_modules. Read by path: some packages' `exports` hide
 * their package.json from `require`.
 */
const nodeModules = [new URL("./node_modules/", import.meta.url), new URL("../node_modules/", import.meta.url)];

export function installedVersion(packageName: string): string {
  for (const folder of nodeModules) {
    try {
      const { version } = JSON.parse(readFileSync(new URL(`${packageName}/package.json`, folder), "utf8")) as {
        version: string;
      };
      return version;
    } catch {
      // not in this folder
    }
  }
  return "not installed";
}

/** This repository's own version (package.json at the root). */
export function repoVersion(): string {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return version;
}

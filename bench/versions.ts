/** Installed package versions, read from node_modules so the report names what actually ran. */
import { readFileSync } from "node:fs";

export function installedVersion(packageName: string): string {
  try {
    const url = new URL(`../node_modules/${packageName}/package.json`, import.meta.url);
    const { version } = JSON.parse(readFileSync(url, "utf8")) as { version: string };
    return version;
  } catch {
    return "not installed";
  }
}

/** This repository's own version (package.json at the root). */
export function repoVersion(): string {
  return installedVersion("..");
}

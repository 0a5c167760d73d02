/** The installed pgmq-gen version, read from package.json. */
import { readFile } from "node:fs/promises";

export async function packageVersion(): Promise<string> {
  // src/cli/ and dist/cli/ are both two levels below the package root.
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

import { readdir } from "node:fs/promises";
import path from "node:path";

/** Every file under `folder`, relative, `/`-separated, sorted: temp files and strays show up too. */
export async function filesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

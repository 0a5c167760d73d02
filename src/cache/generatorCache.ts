/**
 * A build cache for the generator's two expensive steps, the ones libraries
 * do: ajv's standalone validator source and json-schema-to-typescript's
 * formatted payload types. Both are pure functions of their input and of the
 * generator's fingerprint (library versions and pgmq-gen's own code), so an
 * entry is keyed by a hash of exactly those and a hit gives the same bytes a
 * fresh run would. With it, regenerating or `--check`ing a project whose
 * schemas did not change skips both steps; a fresh clone simply has none.
 *
 * One file per output folder, in `node_modules/.cache/pgmq-gen/` of the
 * nearest folder above the config that has a `node_modules` (where babel,
 * eslint and webpack loaders keep theirs). Each save keeps only the entries
 * the run used, so the file holds one build's worth. A file that is missing,
 * unreadable or of another format is an empty cache; failing to save is
 * silent: the cache can only make a run faster, never fail one.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { generatorFingerprint } from "./generatorFingerprint.js";

/** The kinds of artifact cached; part of each key. (Model and emit ask for them as `ArtifactMemo`; tsc checks the compiler's hand-over.) */
export type CachedArtifact = "validator-source" | "validator-module" | "payload-types" | "pattern-check";

export interface GeneratorCache {
  /** False for NO_CACHE: callers then skip computing keys. */
  readonly enabled: boolean;
  /** True when the cache started with entries (a previous run saved some). */
  readonly warm: boolean;
  /** The artifact made from `input` by an identical generator, if one was saved. */
  get(kind: CachedArtifact, input: string): string | undefined;
  set(kind: CachedArtifact, input: string, output: string): void;
  /** Writes the entries this run used, if they differ from what was read. */
  save(): Promise<void>;
}

/** A cache that holds nothing: `generate({ cache: false })`, `--no-cache`, or no `node_modules` folder. */
export const NO_CACHE: GeneratorCache = {
  enabled: false,
  warm: false,
  get: () => undefined,
  set: () => undefined,
  save: async () => undefined,
};

const FORMAT = "pgmq-gen-cache/1";

interface CacheFile {
  readonly format: typeof FORMAT;
  readonly entries: Record<string, string>;
}

/** `<nearest folder with node_modules>/node_modules/.cache/pgmq-gen`, or null when there is none. */
export function cacheFolder(fromDir: string): string | null {
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "node_modules"))) return path.join(dir, "node_modules", ".cache", "pgmq-gen");
    if (path.dirname(dir) === dir) return null;
  }
}

async function readEntries(file: string): Promise<Map<string, string>> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<CacheFile>;
    if (parsed.format !== FORMAT || parsed.entries === null || typeof parsed.entries !== "object") return new Map();
    return new Map(
      Object.entries(parsed.entries).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    );
  } catch {
    return new Map();
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

class FileCache implements GeneratorCache {
  readonly enabled = true;
  readonly warm: boolean;
  readonly #file: string;
  readonly #fingerprint: string;
  readonly #stored: Map<string, string>;
  readonly #used = new Map<string, string>();
  #changed = false;

  constructor(file: string, fingerprint: string, stored: Map<string, string>) {
    this.#file = file;
    this.#fingerprint = fingerprint;
    this.#stored = stored;
    this.warm = stored.size > 0;
  }

  #key(kind: CachedArtifact, input: string): string {
    return sha256(`${this.#fingerprint}\n${kind}\n${input}`);
  }

  get(kind: CachedArtifact, input: string): string | undefined {
    const key = this.#key(kind, input);
    const output = this.#stored.get(key);
    if (output !== undefined) this.#used.set(key, output);
    return output;
  }

  set(kind: CachedArtifact, input: string, output: string): void {
    const key = this.#key(kind, input);
    if (this.#stored.get(key) !== output) this.#changed = true;
    this.#used.set(key, output);
  }

  async save(): Promise<void> {
    if (!this.#changed && this.#used.size === this.#stored.size) return;
    // Sorted keys: the same entries give the same file.
    const entries = Object.fromEntries([...this.#used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const temporary = `${this.#file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
    try {
      await mkdir(path.dirname(this.#file), { recursive: true });
      await writeFile(temporary, JSON.stringify({ format: FORMAT, entries } satisfies CacheFile));
      // A rename replaces the file whole, so a concurrent run reads the old file or the new one.
      await rename(temporary, this.#file);
    } catch {
      // A read-only or full disk costs the next run its speed, nothing else.
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }
}

/**
 * The cache of the project configured by `configFile` (one cache file per
 * config file), for artifacts made by the code in `codeFolders`: an edit
 * there invalidates every entry.
 */
export async function openGeneratorCache(configFile: string, codeFolders: readonly string[]): Promise<GeneratorCache> {
  const folder = cacheFolder(path.dirname(configFile));
  if (folder === null) return NO_CACHE;
  const file = path.join(folder, `${sha256(path.resolve(configFile)).slice(0, 16)}.json`);
  const [fingerprint, stored] = await Promise.all([generatorFingerprint(codeFolders), readEntries(file)]);
  return new FileCache(file, fingerprint, stored);
}

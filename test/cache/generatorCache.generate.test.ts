/**
 * The build cache (src/cache/generatorCache.ts) as `generate()` uses it: where
 * it lands, that a hit gives the bytes a fresh run gives, that it is really
 * read and keyed by content, pruned to one build's worth, and that a broken
 * cache or a failing schema never gets in the way.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../../src/compiler.js";
import { CompileError } from "../../src/errors.js";
import { createTempProject, type TempProject } from "../config/tempProject.js";

const FORMAT = "pgmq-gen-cache/1";
const MARKER = "// CACHED-MARKER";

const schemas = {
  email: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: { to: { type: "string", format: "email" }, subject: { type: "string", minLength: 1 } },
    required: ["to", "subject"],
    additionalProperties: false,
  },
  resize: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { url: { type: "string" }, width: { type: "integer", minimum: 1 } },
    required: ["url", "width"],
  },
  report: {
    type: "object",
    properties: {
      month: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}$" },
      recipients: { type: "array", items: { type: "string" } },
    },
    required: ["month"],
  },
};

const queues = {
  email: { schema: "email.schema.json", deadLetter: "email_dead", maxRetries: 3 },
  resize_image: { schema: "resize.schema.json" },
  monthly_report: { schema: "report.schema.json" },
};

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function configText(queueConfig: Record<string, unknown> = queues): string {
  return json({ queues: queueConfig });
}

const projects: TempProject[] = [];
afterAll(async () => {
  for (const project of projects) await project.remove();
});

/**
 * A project with its own (empty) node_modules, so the cache lands in the temp
 * folder and not in the repository's node_modules.
 */
async function project(label: string, extraFiles: Record<string, string> = {}): Promise<TempProject> {
  const created = await createTempProject(`cache-${label}`, {
    "pgmq.config.json": configText(),
    "schemas/email.schema.json": json(schemas.email),
    "schemas/resize.schema.json": json(schemas.resize),
    "schemas/report.schema.json": json(schemas.report),
    ...extraFiles,
  });
  await mkdir(created.path("node_modules"));
  projects.push(created);
  return created;
}

/** The documented place: `<dir>/node_modules/.cache/pgmq-gen/<sha256(config path) first 16 hex>.json`. */
function cacheFileOf(dir: string): string {
  const configFile = path.join(dir, "pgmq.config.json");
  const name = createHash("sha256").update(configFile).digest("hex").slice(0, 16);
  return path.join(dir, "node_modules", ".cache", "pgmq-gen", `${name}.json`);
}

interface CacheFile {
  format: string;
  entries: Record<string, string>;
}

async function readCache(dir: string): Promise<CacheFile> {
  return JSON.parse(await readFile(cacheFileOf(dir), "utf8")) as CacheFile;
}

/** ajv's standalone source, as opposed to json-schema-to-typescript's declarations. */
function isValidatorSource(text: string): boolean {
  return /^export const validate = validate\d+;$/m.test(text);
}

/** recheck's verdict on a pattern (src/model/unsafePatterns.ts), as opposed to generated code. */
function isPatternVerdict(text: string): boolean {
  return text.startsWith('{"kind":');
}

function countKinds(entries: Record<string, string>): { validators: number; types: number; patterns: number } {
  const values = Object.values(entries);
  const validators = values.filter(isValidatorSource).length;
  const patterns = values.filter(isPatternVerdict).length;
  return { validators, types: values.length - validators - patterns, patterns };
}

/** Every generated file, by path relative to generated/. */
async function outputOf(dir: string): Promise<Map<string, Buffer>> {
  const outDir = path.join(dir, "generated");
  const names = (await readdir(outDir)).sort();
  return new Map(
    await Promise.all(names.map(async (name) => [name, await readFile(path.join(outDir, name))] as const)),
  );
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

describe("generate() with the build cache", () => {
  it("saves the cache at node_modules/.cache/pgmq-gen/<hash of the config path>.json with one validator and one type entry per queue and one verdict per pattern", async () => {
    const dir = (await project("place")).dir;
    const result = await generate({ cwd: dir });
    expect(result.queueCount).toBe(3);
    const cache = await readCache(dir);
    expect(cache.format).toBe(FORMAT);
    expect(Object.keys(cache.entries)).toHaveLength(7);
    expect(countKinds(cache.entries)).toEqual({ validators: 3, types: 3, patterns: 1 });
    for (const key of Object.keys(cache.entries)) expect(key).toMatch(/^[0-9a-f]{64}$/);
    // Nothing else was put in the cache folder (no temporary file left behind).
    expect(await readdir(path.dirname(cacheFileOf(dir)))).toEqual([path.basename(cacheFileOf(dir))]);
  });

  it("gives the same bytes from the cache as without it", async () => {
    const cached = await project("same-bytes");
    const first = await generate({ cwd: cached.dir });
    const afterFirst = await readFile(cacheFileOf(cached.dir), "utf8");
    const second = await generate({ cwd: cached.dir });
    // The second run was a full hit: nothing to rewrite, nothing to add to the cache.
    expect(second.write.written).toEqual([]);
    expect(second.write.unchanged).toEqual([...first.write.written].sort());
    expect(await readFile(cacheFileOf(cached.dir), "utf8")).toBe(afterFirst);

    const check = await generate({ cwd: cached.dir, check: true, cache: false });
    expect(check.write.stale).toEqual([]);

    const fresh = await project("same-bytes-fresh");
    await generate({ cwd: fresh.dir, cache: false });
    const cachedFiles = await outputOf(cached.dir);
    const freshFiles = await outputOf(fresh.dir);
    expect([...cachedFiles.keys()]).toEqual([...freshFiles.keys()]);
    expect(cachedFiles.size).toBe(7);
    for (const [name, bytes] of freshFiles) expect(cachedFiles.get(name)?.equals(bytes), name).toBe(true);
  });

  it("reads the cache, keyed by the schema's content: a changed schema misses, an unchanged one still hits", async () => {
    const target = await project("read");
    const { dir } = target;
    await generate({ cwd: dir });
    const cache = await readCache(dir);
    let tampered = 0;
    for (const [key, value] of Object.entries(cache.entries)) {
      if (!isValidatorSource(value)) continue;
      cache.entries[key] = `${value}\n${MARKER}\n`;
      tampered++;
    }
    expect(tampered).toBe(3);
    await writeFile(cacheFileOf(dir), JSON.stringify(cache));

    await generate({ cwd: dir });
    for (const file of ["email", "resize-image", "monthly-report"]) {
      expect(await target.read(`generated/${file}.validator.ts`), file).toContain(MARKER);
      expect(await target.read(`generated/${file}.ts`), file).not.toContain(MARKER);
    }

    const changed = { ...schemas.resize, properties: { ...schemas.resize.properties, height: { type: "integer" } } };
    await target.write("schemas/resize.schema.json", json(changed));
    await generate({ cwd: dir });
    const resizeValidator = await target.read("generated/resize-image.validator.ts");
    expect(resizeValidator).not.toContain(MARKER);
    expect(resizeValidator).toContain("height");
    expect(await target.read("generated/resize-image.ts")).toMatch(/height\?: number;/);
    expect(await target.read("generated/email.validator.ts")).toContain(MARKER);
    expect(await target.read("generated/monthly-report.validator.ts")).toContain(MARKER);
    // The stale entries are gone, the new ones in: still one of each per queue (and the one pattern's verdict).
    expect(countKinds((await readCache(dir)).entries)).toEqual({ validators: 3, types: 3, patterns: 1 });
  });

  it("keeps only the entries of the queues still configured", async () => {
    const target = await project("prune");
    await generate({ cwd: target.dir });
    expect(Object.keys((await readCache(target.dir)).entries)).toHaveLength(7);

    const { monthly_report: _dropped, ...remaining } = queues;
    await target.write("pgmq.config.json", configText(remaining));
    const result = await generate({ cwd: target.dir });
    expect(result.queueCount).toBe(2);
    expect(result.write.removed.sort()).toEqual(["monthly-report.ts", "monthly-report.validator.ts"]);
    const entries = (await readCache(target.dir)).entries;
    expect(Object.keys(entries)).toHaveLength(4);
    expect(countKinds(entries)).toEqual({ validators: 2, types: 2, patterns: 0 });
  });

  it("treats a corrupt cache file as empty and rewrites it in the valid format", async () => {
    const reference = await project("corrupt-reference");
    await generate({ cwd: reference.dir, cache: false });

    const target = await project("corrupt");
    await mkdir(path.dirname(cacheFileOf(target.dir)), { recursive: true });
    await writeFile(cacheFileOf(target.dir), "not json");
    const result = await generate({ cwd: target.dir });
    expect(result.write.written).toHaveLength(7);
    expect(await outputOf(target.dir)).toEqual(await outputOf(reference.dir));
    const cache = await readCache(target.dir);
    expect(cache.format).toBe(FORMAT);
    expect(countKinds(cache.entries)).toEqual({ validators: 3, types: 3, patterns: 1 });
  });

  it.each([
    ["a file of another format", JSON.stringify({ format: "pgmq-gen-cache/0", entries: {} })],
    ["entries that are not strings", JSON.stringify({ format: FORMAT, entries: { a: 1 } })],
  ])("treats %s as an empty cache and rewrites it", async (_name, contents) => {
    const target = await project("other-format");
    await mkdir(path.dirname(cacheFileOf(target.dir)), { recursive: true });
    await writeFile(cacheFileOf(target.dir), contents);
    await generate({ cwd: target.dir });
    const cache = await readCache(target.dir);
    expect(cache.format).toBe(FORMAT);
    expect(Object.keys(cache.entries)).toHaveLength(7);
    expect(countKinds(cache.entries)).toEqual({ validators: 3, types: 3, patterns: 1 });
  });

  it("writes no cache with cache: false", async () => {
    const target = await project("no-cache");
    const result = await generate({ cwd: target.dir, cache: false });
    expect(result.write.written).toHaveLength(7);
    expect(await exists(target.path("node_modules/.cache"))).toBe(false);
    expect(await readdir(target.path("node_modules"))).toEqual([]);
  });

  it("generates correctly when the cache folder cannot be made", async () => {
    const reference = await project("unusable-reference");
    await generate({ cwd: reference.dir, cache: false });

    const target = await project("unusable");
    await writeFile(target.path("node_modules/.cache"), "a file where the cache folder would go\n");
    const first = await generate({ cwd: target.dir });
    expect(first.write.written).toHaveLength(7);
    expect(await outputOf(target.dir)).toEqual(await outputOf(reference.dir));
    // Still a file; no temporary file left beside it.
    expect((await stat(target.path("node_modules/.cache"))).isFile()).toBe(true);
    expect(await readdir(target.path("node_modules"))).toEqual([".cache"]);
    const second = await generate({ cwd: target.dir, check: true });
    expect(second.write.stale).toEqual([]);
  });

  it("does not cache a schema that fails to compile: every run reports it", async () => {
    const target = await project("compile-error", {
      "schemas/typo.schema.json": json({ type: "object", properties: { to: { type: "string", minLenght: 3 } } }),
    });
    await generate({ cwd: target.dir });
    const before = await readFile(cacheFileOf(target.dir), "utf8");

    await target.write("pgmq.config.json", configText({ ...queues, typo_queue: { schema: "typo.schema.json" } }));
    const failures: unknown[] = [];
    for (let run = 0; run < 2; run++)
      failures.push(await generate({ cwd: target.dir }).catch((error: unknown) => error));
    for (const error of failures) {
      expect(error).toBeInstanceOf(CompileError);
      const { location, problem } = error as CompileError;
      expect(location).toEqual({
        file: "schemas/typo.schema.json",
        queue: "typo_queue",
        pointer: "/properties/to/minLenght",
      });
      expect(problem).toMatch(/unknown keyword: "minLenght"/);
    }
    expect((failures[1] as CompileError).message).toBe((failures[0] as CompileError).message);
    // A failed run writes nothing, the cache included.
    expect(await readFile(cacheFileOf(target.dir), "utf8")).toBe(before);
    expect(await exists(target.path("generated/typo-queue.validator.ts"))).toBe(false);
  });
});

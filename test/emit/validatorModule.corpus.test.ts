/**
 * The typed, formatted validators of the corpus (validatorCorpus.ts) judge
 * values exactly as ajv itself does: same verdict, same errors. Values are
 * objects with the schema's own property names (some left out) holding
 * arbitrary JSON, so the checks under each property run, plus a few chosen
 * values per schema.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompiledValidator } from "../../packages/runtime/src/types.js";
import { emitProject } from "../../src/emit/project.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { createSchemaAjv } from "../../src/model/schemaAjv.js";
import { createSchemaProject, type SchemaProject } from "../model/schemaProject.js";
import { validatorCorpus, validatorCorpusConfig } from "./validatorCorpus.js";

/** Values a random object would rarely hold: each schema's interesting cases. */
const CHOSEN: Record<string, unknown[]> = {
  "recursive-tree.schema.json": [
    { root: { label: "a", children: [{ label: "b", parent: null }], parent: { label: "p" } }, forest: [] },
    { root: { label: "a", children: [{ label: "b", parent: null }, { label: "" }] } },
    { root: { label: "a", parent: { label: "p", extra: 1 } }, forest: [{ label: "x" }] },
  ],
  "recursive-list.schema.json": [
    { list: { head: 1, tail: { head: 2, tail: null } } },
    { list: { head: 1, tail: { head: "2" } } },
  ],
  "applicators.schema.json": [
    { shape: { kind: "square", side: 1.5 }, id: "abc", tagged: { a: "x", b: true }, notNull: 0 },
    { shape: { kind: "square", side: 1.3 }, id: 0, tagged: { b: 1 }, notNull: null },
  ],
  "conditionals.schema.json": [
    { country: "US", postalCode: "12345", phone: "1234567" },
    { country: "NL", postalCode: "12345", phone: "12" },
  ],
  "maps.schema.json": [
    { labels: { "x-a": "1", "n-2": 3 }, counters: { a: 1 }, nested: { a: { on: true } }, other: null },
    { labels: { y: 1 }, counters: { a: -1 }, nested: { a: {} }, never: 1, other: 3 },
  ],
  "formats.schema.json": [
    {
      date: "2025-01-02",
      dateTime: "2025-01-02T03:04:05Z",
      uri: "https://a.example/x",
      regex: "^a",
      byte: "aGk=",
      int32: 3,
    },
    { date: "2025-13-02", dateTime: "yesterday", uri: "not a uri", regex: "(", byte: "!", int32: 2 ** 40, email: "x" },
  ],
  "enums.schema.json": [
    {
      version: 2,
      color: null,
      point: { x: 0, y: 0 },
      fixed: { kind: "fixed", tags: ["a"] },
      flag: true,
      nothing: null,
    },
    { version: 3, color: "pink", point: [2, 1], fixed: { kind: "fixed", tags: [] }, flag: false, nothing: 0 },
  ],
  "dependencies.schema.json": [
    { card: "x", billing: "y", cvc: "z", country: "NL" },
    { card: "x", billing: "y" },
  ],
  "dependencies-07.schema.json": [{ card: "x", billing: "y", zip: "1" }, { card: "x" }, { billing: "y" }],
  "unevaluated.schema.json": [
    { id: "a", a: 1, list: ["x", 2], meta: { m_a: 1, other: "s" } },
    { id: "a", c: 1, list: ["x", 2, 3], meta: { other: 1 } },
  ],
  "tuples.schema.json": [
    { pair: ["a", 1], rest: [true, 1, 2], unique: ["a", "b"], uniqueObjects: [{}, { a: 1 }], contains: [10, 1] },
    {
      pair: ["a", 1, 2],
      rest: [1],
      unique: ["a", "a"],
      uniqueObjects: [{ a: 1 }, { a: 1 }],
      uniqueAny: [1, 1],
      contains: [10, 11, 12, 13],
    },
  ],
  "tuples-07.schema.json": [
    { pair: ["a", 1], open: ["a", true], contains: ["x"] },
    { pair: ["a", 1, 2], open: [1, 2], contains: [] },
  ],
  "nullable.schema.json": [
    { name: null, count: null, choice: 1, maybe: { v: "a" } },
    { count: -1, choice: true, maybe: 1 },
  ],
  "dynamic.schema.json": [{ data: 1, children: [{ children: [] }] }, { children: [1] }],
  "scalar-root.schema.json": ["abc", "", "Abc", "abcdefghijkl", 3],
};

/** Objects with some of `schema`'s property names, holding any JSON. */
function valuesFor(schema: object): unknown[] {
  const keys = Object.keys((schema as { properties?: object }).properties ?? {});
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.dictionary(fc.constantFrom(...keys, "extra"), fc.jsonValue({ maxDepth: 2 }), { maxKeys: keys.length + 1 }),
  );
  return fc.sample(value, { numRuns: 200, seed: 13 });
}

describe("issue 13 #4: typed validators behave as ajv", () => {
  let project: SchemaProject;
  const validators = new Map<string, CompiledValidator>();

  beforeAll(async () => {
    project = await createSchemaProject(
      "validators-corpus",
      Object.fromEntries(Object.entries(validatorCorpus).map(([file, schema]) => [`schemas/${file}`, schema])),
    );
    const model = await buildProjectModel(
      { ...validatorCorpusConfig, outDir: path.join(project.dir, "generated") },
      project.configPath,
    );
    await mkdir(model.outDir, { recursive: true });
    for (const file of await emitProject(model)) await writeFile(path.join(model.outDir, file.path), file.contents);
    for (const queue of model.queues) {
      const module = (await import(path.join(model.outDir, `${queue.names.file}.validator.ts`))) as Record<
        string,
        CompiledValidator
      >;
      validators.set(queue.schemaFile!.replace(/^schemas\//, ""), module[queue.names.validator]!);
    }
  });
  afterAll(() => project.remove());

  it.each(Object.keys(validatorCorpus))("issue 13 #4: %s", (file) => {
    const schema = validatorCorpus[file]!;
    const dialect = (schema as { $schema?: string }).$schema?.includes("2020-12") ? "2020-12" : "draft-07";
    const reference = createSchemaAjv(dialect, { standalone: false }).compile(structuredClone(schema));
    const generated = validators.get(file)!;
    const values = [...(CHOSEN[file] ?? []), ...valuesFor(schema)];
    let valid = 0;
    for (const value of values) {
      const want = reference(value);
      expect(generated(value), JSON.stringify(value)).toBe(want);
      if (want) valid++;
      else expect(generated.errors, JSON.stringify(value)).toEqual(reference.errors);
    }
    expect(valid).toBeGreaterThan(0);
  });
});

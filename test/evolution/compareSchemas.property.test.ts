/**
 * compareSchemas is sound (issue 14 #1): schemas from a small grammar, a new
 * schema derived by random edits, payloads steered by the schemas' shapes, and
 * ajv (configured as the generator configures it) as the judge. Whenever a
 * payload valid under one schema fails the other, the checker must have called
 * the change breaking in that direction: for a pair it calls compatible
 * (backward), the new schema accepts every payload valid under the old one.
 * Nothing stronger is asserted: a pair called breaking may have no
 * counterexample (the checker is conservative).
 */
import fc from "fast-check";
import { compareSchemas } from "pgmq-gen/compiler";
import { describe, expect, test } from "vitest";
import { createSchemaAjv } from "../../src/model/schemaAjv.js";
import type { SchemaDialect } from "../../src/model/types.js";

type Schema = Record<string, unknown>;

const NAMES = ["a", "b", "c"];
const VALUES = ["a", "b", "abc", 1, 2, 2.5, null, true];

const stringSchema = fc.record(
  {
    type: fc.constant("string"),
    minLength: fc.integer({ min: 0, max: 3 }),
    maxLength: fc.integer({ min: 2, max: 8 }),
    pattern: fc.constantFrom("^a", "^[a-c]*$"),
    format: fc.constantFrom("email", "date"),
  },
  { requiredKeys: ["type"] },
);
const numberSchema = fc.record(
  {
    type: fc.constantFrom("number", "integer"),
    minimum: fc.integer({ min: -5, max: 5 }),
    maximum: fc.integer({ min: 0, max: 10 }),
    exclusiveMinimum: fc.integer({ min: -5, max: 5 }),
    multipleOf: fc.constantFrom(1, 2, 3, 4, 6),
  },
  { requiredKeys: ["type"] },
);
const enumSchema = fc.record({ enum: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }) });
const unionSchema = fc.record({
  type: fc.uniqueArray(fc.constantFrom("string", "number", "integer", "null", "boolean"), {
    minLength: 1,
    maxLength: 3,
  }),
});
const leaf: fc.Arbitrary<Schema> = fc.oneof(stringSchema, numberSchema, enumSchema, unionSchema);

function schemaArb(depth: number): fc.Arbitrary<Schema> {
  if (depth === 0) return leaf;
  const child = schemaArb(depth - 1);
  const array = fc.record(
    {
      type: fc.constant("array"),
      items: child,
      minItems: fc.integer({ min: 0, max: 2 }),
      maxItems: fc.integer({ min: 1, max: 4 }),
      uniqueItems: fc.boolean(),
    },
    { requiredKeys: ["type"] },
  );
  const object = fc
    .record(
      {
        properties: fc.dictionary(fc.constantFrom(...NAMES), child, { maxKeys: 3 }),
        required: fc.subarray(NAMES),
        additionalProperties: fc.oneof(fc.boolean(), child),
      },
      { requiredKeys: ["properties"] },
    )
    .map((schema) => ({ type: "object", ...schema }));
  const anyOf = fc.array(child, { minLength: 1, maxLength: 3 }).map((branches) => ({ anyOf: branches }));
  return fc.oneof(
    { weight: 2, arbitrary: leaf },
    { weight: 2, arbitrary: object },
    { weight: 1, arbitrary: array },
    { weight: 1, arbitrary: anyOf },
  );
}

/** Every subschema the edits may change, as a getter/setter pair on its parent. */
function slots(schema: Schema): { get: () => Schema; set: (next: Schema) => void }[] {
  const found: { get: () => Schema; set: (next: Schema) => void }[] = [];
  const visit = (holder: Record<string | number, unknown>, key: string | number) => {
    const node = holder[key];
    if (node === null || typeof node !== "object" || Array.isArray(node)) return;
    found.push({ get: () => holder[key] as Schema, set: (next) => (holder[key] = next) });
    const s = node as Schema;
    if (s.properties !== undefined)
      for (const name of Object.keys(s.properties as Schema)) visit(s.properties as Schema, name);
    if (s.items !== undefined) visit(s, "items");
    if (typeof s.additionalProperties === "object") visit(s, "additionalProperties");
    if (Array.isArray(s.anyOf)) s.anyOf.forEach((_, i) => visit(s.anyOf as unknown as Record<number, unknown>, i));
  };
  visit({ root: schema }, "root");
  return found;
}

type Edit = (schema: Schema, choice: number, delta: number, fresh: Schema) => Schema;

const NUMERIC = [
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "minItems",
  "maxItems",
  "minProperties",
];
const EDITS: readonly Edit[] = [
  (s, c, d) => {
    const key = NUMERIC[c % NUMERIC.length]!;
    const current = typeof s[key] === "number" ? (s[key] as number) : 2;
    return d === 0 ? withoutKey(s, key) : { ...s, [key]: Math.max(0, current + d) };
  },
  (s, c) => ({ ...s, multipleOf: [1, 2, 3, 4, 6][c % 5] }),
  (s) => withoutKey(s, "multipleOf"),
  (s) => ({ ...s, uniqueItems: s.uniqueItems !== true }),
  (s, c) => ({ ...s, type: ["string", "number", "integer", "null", "boolean", "object", "array"][c % 7] }),
  (s) => ({
    ...s,
    type: [...new Set([...(Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type]), "null"])],
  }),
  (s) => withoutKey(s, "type"),
  (s, c) => ({ ...s, enum: [...new Set([...(Array.isArray(s.enum) ? s.enum : []), VALUES[c % VALUES.length]])] }),
  (s, c) =>
    Array.isArray(s.enum) && s.enum.length > 1
      ? { ...s, enum: s.enum.filter((_, i) => i !== c % (s.enum as unknown[]).length) }
      : s,
  (s) => withoutKey(s, "enum"),
  (s, c) => ({ ...s, required: [...new Set([...((s.required as string[]) ?? []), NAMES[c % 3]!])] }),
  (s) => withoutKey(s, "required"),
  (s, c, _d, fresh) => ({ ...s, properties: { ...((s.properties as Schema) ?? {}), [NAMES[c % 3]!]: fresh } }),
  (s, c) => (s.properties === undefined ? s : { ...s, properties: withoutKey(s.properties as Schema, NAMES[c % 3]!) }),
  (s, c, _d, fresh) => ({ ...s, additionalProperties: [false, true, fresh][c % 3] }),
  (s) => withoutKey(s, "additionalProperties"),
  (s, c) => ({ ...s, pattern: ["^a", "^[a-c]*$"][c % 2] }),
  (s) => withoutKey(s, "pattern"),
  (s, c) => ({ ...s, format: ["email", "date"][c % 2] }),
  (s) => withoutKey(s, "format"),
  (s, _c, _d, fresh) => ({ ...s, items: fresh }),
  (_s, _c, _d, fresh) => fresh,
  (s, _c, _d, fresh) => ({ anyOf: [s, fresh] }),
  (s, c) =>
    Array.isArray(s.anyOf) && s.anyOf.length > 1
      ? { ...s, anyOf: s.anyOf.filter((_, i) => i !== c % (s.anyOf as unknown[]).length) }
      : s,
];

function withoutKey(schema: Schema, key: string): Schema {
  const { [key]: _dropped, ...rest } = schema;
  return rest;
}

const editArb = fc.record({
  slot: fc.nat(),
  edit: fc.nat(),
  choice: fc.nat(),
  delta: fc.integer({ min: -2, max: 2 }),
  fresh: leaf,
});

const pairArb = fc.tuple(schemaArb(2), fc.array(editArb, { minLength: 1, maxLength: 3 })).map(([old, edits]) => {
  const next = structuredClone(old);
  const root = { root: next };
  for (const { slot, edit, choice, delta, fresh } of edits) {
    const places = slots(root.root);
    const place = places[slot % places.length]!;
    const changed = EDITS[edit % EDITS.length]!(place.get(), choice, delta, fresh);
    if (place === places[0]) root.root = changed;
    else place.set(changed);
  }
  return { old, new: root.root };
});

/** Values shaped by a schema, most of them valid under it, some not. */
function valueArb(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  const anyValue = fc.constantFrom(...VALUES, "a@b.co", "2020-01-01", [], {}, [1, 1], { a: 1 });
  if (schema === null || typeof schema !== "object" || depth > 4) return anyValue;
  const s = schema as Schema;
  const options: fc.Arbitrary<unknown>[] = [anyValue];
  if (Array.isArray(s.enum)) options.push(fc.constantFrom(...s.enum));
  if (Array.isArray(s.anyOf)) for (const branch of s.anyOf) options.push(valueArb(branch, depth + 1));
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  for (const type of types) {
    if (type === "string")
      options.push(
        fc.oneof(
          fc.string({ unit: fc.constantFrom("a", "b", "c", "@", "."), maxLength: 9 }),
          fc.constantFrom("a@b.co", "2020-01-01"),
        ),
      );
    if (type === "number")
      options.push(fc.oneof(fc.integer({ min: -12, max: 24 }), fc.double({ min: -12, max: 24, noNaN: true })));
    if (type === "integer") options.push(fc.integer({ min: -12, max: 24 }));
    if (type === "null") options.push(fc.constant(null));
    if (type === "boolean") options.push(fc.boolean());
    if (type === "array") options.push(fc.array(valueArb(s.items, depth + 1), { maxLength: 5 }));
    if (type === "object") {
      const properties = (s.properties ?? {}) as Schema;
      const known = Object.fromEntries(
        NAMES.map((name) => [name, valueArb(properties[name] ?? s.additionalProperties, depth + 1)]),
      );
      options.push(fc.record({ ...known, z: valueArb(s.additionalProperties, depth + 1) }, { requiredKeys: [] }));
    }
  }
  return fc.oneof(...options);
}

const DRAFTS: readonly (readonly [SchemaDialect, string])[] = [
  ["draft-07", "http://json-schema.org/draft-07/schema#"],
  ["2020-12", "https://json-schema.org/draft/2020-12/schema"],
];

describe("compareSchemas is sound", () => {
  for (const [dialect, uri] of DRAFTS) {
    test(`issue 14 #1: ${dialect}: a payload valid under one schema and not the other is always reported as breaking`, () => {
      const stats = { pairs: 0, compatibleChanges: 0, checkedValues: 0, counterexamples: 0 };
      fc.assert(
        fc.property(
          pairArb.chain((pair) =>
            fc.tuple(
              fc.constant(pair),
              // Through JSON, as a payload arrives: plain objects, no -0.
              fc
                .array(fc.oneof(valueArb(pair.old), valueArb(pair.new)), { minLength: 20, maxLength: 40 })
                .map((values) => JSON.parse(JSON.stringify(values)) as unknown[]),
            ),
          ),
          ([pair, values]) => {
            const before = { $schema: uri, ...pair.old };
            const after = { $schema: uri, ...pair.new };
            const ajv = createSchemaAjv(dialect, { standalone: false });
            const validOld = ajv.compile(before);
            const validNew = ajv.compile(after);
            const backward = compareSchemas(before, after, { mode: "backward" });
            const forward = compareSchemas(before, after, { mode: "forward" });
            stats.pairs++;
            if (backward.compatible && backward.changes.length > 0) stats.compatibleChanges++;
            for (const value of values) {
              const inOld = validOld(value) === true;
              const inNew = validNew(value) === true;
              if (inOld) stats.checkedValues++;
              if (inOld && !inNew) {
                stats.counterexamples++;
                expect(backward.compatible, `old accepts ${JSON.stringify(value)}, new rejects it`).toBe(false);
              }
              if (inNew && !inOld)
                expect(forward.compatible, `new accepts ${JSON.stringify(value)}, old rejects it`).toBe(false);
            }
          },
        ),
        { numRuns: 400 },
      );
      // The run is not vacuous: many changed pairs were judged compatible, and payloads were valid under the old schema.
      expect(stats.compatibleChanges).toBeGreaterThan(40);
      expect(stats.checkedValues).toBeGreaterThan(1000);
    });
  }

  test("issue 14 #1: draft-07: through a recursive $ref (a linked list of the generated schema), a payload valid under the old schema and not the new one is always reported", () => {
    const list = (item: Schema) => ({
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { node: { type: "object", properties: { value: item, next: { $ref: "#/definitions/node" } } } },
      $ref: "#/definitions/node",
    });
    const listValue = (item: Schema): fc.Arbitrary<unknown> =>
      fc
        .array(valueArb(item), { minLength: 1, maxLength: 4 })
        .map((items) =>
          items.reduceRight<unknown>((next, value) => (next === undefined ? { value } : { value, next }), undefined),
        );
    let compatibleChanges = 0;
    fc.assert(
      fc.property(
        pairArb.chain((pair) =>
          fc.tuple(
            fc.constant(pair),
            fc
              .array(fc.oneof(listValue(pair.old), listValue(pair.new)), { minLength: 10, maxLength: 20 })
              .map((values) => JSON.parse(JSON.stringify(values)) as unknown[]),
          ),
        ),
        ([pair, values]) => {
          const before = list(pair.old);
          const after = list(pair.new);
          const ajv = createSchemaAjv("draft-07", { standalone: false });
          const validOld = ajv.compile(before);
          const validNew = ajv.compile(after);
          const backward = compareSchemas(before, after);
          if (backward.compatible && backward.changes.length > 0) compatibleChanges++;
          for (const value of values) {
            if (validOld(value) === true && validNew(value) !== true)
              expect(backward.compatible, `old accepts ${JSON.stringify(value)}, new rejects it`).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(compatibleChanges).toBeGreaterThan(20);
  });
});

/**
 * fast-check arbitraries built from a JSON Schema: valid payloads, and
 * single-point mutants of valid payloads that break exactly one rule (a
 * required key dropped, a wrong type, a bound crossed, a value outside an
 * enum, an extra key where `additionalProperties` is false).
 *
 * The builder covers the keywords example schemas use; it is approximate
 * (patterns, formats, combinators), so callers keep the queue's own
 * validator as the judge: valid arbitraries are filtered through it and every
 * mutant is checked to be invalid before it is used.
 */
import fc from "fast-check";

type Schema = { [keyword: string]: unknown };
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isSchema = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Follows local `$ref`s (`#/$defs/x`, `#/definitions/x`) inside `root`. */
function resolve(schema: Schema, root: Schema, seen = 0): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#")) return schema;
  if (seen > 32) throw new Error(`$ref chain too long at ${ref}`);
  let target: unknown = root;
  for (const part of ref
    .slice(1)
    .split("/")
    .filter((p) => p.length > 0)) {
    const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
    target = isSchema(target) ? target[key] : undefined;
  }
  if (!isSchema(target)) throw new Error(`cannot resolve ${ref}`);
  const { $ref: _ref, ...siblings } = schema;
  return resolve({ ...target, ...siblings }, root, seen + 1);
}

function typesOf(schema: Schema): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (isSchema(schema.properties) || schema.required) return ["object"];
  if (schema.items) return ["array"];
  return ["string", "integer", "boolean", "null"];
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : Math.max(minLength, 40);
  const fits = (s: string) => [...s].length >= minLength && [...s].length <= maxLength;
  switch (schema.format) {
    case "email":
      return fc.emailAddress().filter(fits);
    case "uri":
    case "url":
      return fc.webUrl().filter(fits);
    case "uuid":
      return fc.uuid().filter(fits);
    case "date-time":
      return fc
        .date({ min: new Date("1970-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
    case "date":
      return fc
        .date({ min: new Date("1970-01-01"), max: new Date("2200-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "ipv4":
      return fc.ipV4();
    case "hostname":
      return fc.domain().filter(fits);
  }
  if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  // Full unicode, including quotes, `$$` and SQL fragments, but not NUL (PostgreSQL's jsonb refuses \u0000).
  const hostile = fc.constantFrom("'; DROP TABLE pgmq.meta; --", "$$", '"', "\\", "ünï©ødé 🚀", "$1", "' OR '1'='1");
  const text = fc.oneof(
    fc.string({ unit: "grapheme", minLength, maxLength }),
    fc.string({ unit: "binary", minLength, maxLength }),
    hostile,
  );
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what PostgreSQL cannot store.
  return text.map((s) => s.replace(/\u0000/g, "0")).filter(fits);
}

function numberArbitrary(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const exclusiveMin = typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : undefined;
  const exclusiveMax = typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum : undefined;
  let min = typeof schema.minimum === "number" ? schema.minimum : (exclusiveMin ?? -1e9);
  let max = typeof schema.maximum === "number" ? schema.maximum : (exclusiveMax ?? 1e9);
  if (integer) {
    min = Math.ceil(exclusiveMin !== undefined && min === exclusiveMin ? min + 1 : min);
    max = Math.floor(exclusiveMax !== undefined && max === exclusiveMax ? max - 1 : max);
    const base = fc.integer({
      min: Math.max(min, Number.MIN_SAFE_INTEGER),
      max: Math.min(max, Number.MAX_SAFE_INTEGER),
    });
    const multipleOf = typeof schema.multipleOf === "number" ? schema.multipleOf : undefined;
    return multipleOf
      ? base.map((n) => Math.floor(n / multipleOf) * multipleOf).filter((n) => n >= min && n <= max)
      : base;
  }
  return fc
    .double({
      min,
      max,
      noNaN: true,
      noDefaultInfinity: true,
      minExcluded: exclusiveMin !== undefined,
      maxExcluded: exclusiveMax !== undefined,
    })
    .map((n) => (Object.is(n, -0) ? 0 : n));
}

/** An arbitrary of values meant to match `schema` (check them with the real validator). */
export function validArbitrary(schema: Schema, root: Schema = schema, depth = 0): fc.Arbitrary<Json> {
  const s = resolve(schema, root);
  if ("const" in s) return fc.constant(s.const as Json);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as Json[]));
  for (const combinator of ["oneOf", "anyOf"] as const) {
    const options = s[combinator];
    if (Array.isArray(options)) {
      const { [combinator]: _drop, ...rest } = s;
      return fc.oneof(
        ...options.filter(isSchema).map((option) => validArbitrary({ ...rest, ...option }, root, depth + 1)),
      );
    }
  }
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    const merged = (allOf as unknown[])
      .filter(isSchema)
      .reduce<Schema>((acc, part) => mergeSchemas(acc, resolve(part, root)), rest);
    return validArbitrary(merged, root, depth + 1);
  }
  const arbitraries = typesOf(s).map((type) => typedArbitrary(type, s, root, depth));
  return arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
}

function mergeSchemas(a: Schema, b: Schema): Schema {
  return {
    ...a,
    ...b,
    properties: { ...(isSchema(a.properties) ? a.properties : {}), ...(isSchema(b.properties) ? b.properties : {}) },
    required: [...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])],
  };
}

function typedArbitrary(type: string, s: Schema, root: Schema, depth: number): fc.Arbitrary<Json> {
  switch (type) {
    case "string":
      return stringArbitrary(s);
    case "integer":
      return numberArbitrary(s, true);
    case "number":
      return numberArbitrary(s, false);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const items = isSchema(s.items) ? s.items : {};
      const minLength = typeof s.minItems === "number" ? s.minItems : 0;
      const maxLength = typeof s.maxItems === "number" ? s.maxItems : Math.max(minLength, depth > 3 ? minLength : 4);
      const item = validArbitrary(items, root, depth + 1);
      return s.uniqueItems
        ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(item, { minLength, maxLength });
    }
    case "object": {
      const properties = isSchema(s.properties) ? s.properties : {};
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      const record: Record<string, fc.Arbitrary<Json>> = {};
      for (const [key, propertySchema] of Object.entries(properties)) {
        // Deep optional branches of recursive schemas are cut off so values stay finite.
        if (!required.has(key) && depth > 4) continue;
        if (isSchema(propertySchema)) record[key] = validArbitrary(propertySchema, root, depth + 1);
      }
      const requiredKeys = Object.keys(record).filter((key) => required.has(key));
      const declared = fc.record(record, { requiredKeys }) as fc.Arbitrary<Json>;
      if (!isSchema(s.additionalProperties)) return declared;
      // A map-like object ({ additionalProperties: schema }): free keys next to the declared ones.
      const free = fc.dictionary(
        fc.string({ minLength: 1, maxLength: 12 }).filter((key) => !(key in properties) && key !== "__proto__"),
        validArbitrary(s.additionalProperties, root, depth + 1),
        { maxKeys: 5 },
      );
      return fc
        .tuple(declared, free)
        .map(([fixed, extra]) => ({ ...(extra as Record<string, Json>), ...(fixed as Record<string, Json>) }));
    }
    default:
      return fc.constant(null);
  }
}

export interface Mutant {
  /** What was broken, e.g. `drop required /to`. */
  readonly kind: string;
  readonly pointer: string;
  readonly value: Json;
}

const clone = <T>(value: T): T => structuredClone(value);

function setAt(root: Json, path: string[], replace: (node: Json) => Json | undefined): Json {
  if (path.length === 0) return replace(root) as Json;
  const copy = clone(root) as Record<string, Json>;
  let node = copy as Record<string, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
  const last = path[path.length - 1]!;
  const next = replace(node[last]!);
  if (next === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = next;
  return copy;
}

/** A value of another JSON type than `value`. */
function wrongType(value: Json): Json {
  if (typeof value === "string") return 12345;
  if (typeof value === "number") return "12345";
  if (typeof value === "boolean") return "true";
  if (value === null) return { unexpected: true };
  if (Array.isArray(value)) return { length: value.length };
  return [value];
}

/** Every single-point mutation of `value` (valid for `schema`) this builder knows how to make. */
export function mutantsOf(schema: Schema, value: Json, root: Schema = schema, path: string[] = []): Mutant[] {
  const s = resolve(schema, root);
  const pointer = path.map((p) => `/${p}`).join("");
  const at = (kind: string, replace: (node: Json) => Json | undefined): Mutant => ({
    kind: `${kind} ${pointer || "(root)"}`,
    pointer,
    value: setAt(value, path, replace),
  });
  const node = path.reduce<Json>((current, key) => (current as Record<string, Json>)[key]!, value);
  const mutants: Mutant[] = [at("wrong type", wrongType)];
  if (Array.isArray(s.enum) || "const" in s) mutants.push(at("outside enum", () => "not-in-enum\u00a0"));
  if (typeof node === "number") {
    if (typeof s.maximum === "number") mutants.push(at("above maximum", () => (s.maximum as number) + 1));
    if (typeof s.minimum === "number") mutants.push(at("below minimum", () => (s.minimum as number) - 1));
    if (s.type === "integer") mutants.push(at("not an integer", (n) => (n as number) + 0.5));
  }
  if (typeof node === "string") {
    if (typeof s.maxLength === "number") mutants.push(at("too long", () => "x".repeat((s.maxLength as number) + 1)));
    if (typeof s.minLength === "number" && s.minLength > 0)
      mutants.push(at("too short", () => "x".repeat((s.minLength as number) - 1)));
    if (typeof s.format === "string" || typeof s.pattern === "string")
      mutants.push(at("bad format", () => " not valid \u0007"));
  }
  if (Array.isArray(node)) {
    if (typeof s.maxItems === "number")
      mutants.push(
        at("too many items", (a) => [
          ...(a as Json[]),
          ...Array.from({ length: (s.maxItems as number) + 1 }, () => (a as Json[])[0] ?? null),
        ]),
      );
    if (typeof s.minItems === "number" && s.minItems > 0) mutants.push(at("too few items", () => []));
    const items = isSchema(s.items) ? s.items : undefined;
    if (items) node.forEach((_, index) => mutants.push(...mutantsOf(items, value, root, [...path, String(index)])));
  }
  if (node !== null && typeof node === "object" && !Array.isArray(node)) {
    const properties = isSchema(s.properties) ? s.properties : {};
    for (const key of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (key in node) {
        mutants.push({
          kind: `drop required ${pointer}/${key}`,
          pointer: `${pointer}/${key}`,
          value: setAt(value, [...path, key], () => undefined),
        });
      }
    }
    if (s.additionalProperties === false) {
      mutants.push(at("extra key", (o) => ({ ...(o as Record<string, Json>), "'; DROP TABLE pgmq.meta; --": 1 })));
    }
    for (const key of Object.keys(node)) {
      const childSchema = properties[key];
      if (isSchema(childSchema)) mutants.push(...mutantsOf(childSchema, value, root, [...path, key]));
    }
  }
  return mutants;
}

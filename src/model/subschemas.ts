/**
 * Where a JSON Schema object holds other schemas, keyword by keyword (draft-07
 * and 2020-12), and whether each applies to the same value as its parent or to
 * a part of it. Walks that must tell a schema from data (an `enum` of objects,
 * a `default`) or a recursive schema from an endless one start here.
 */

/** How a subschema relates to the value its parent schema validates. */
export type SubschemaKind =
  /** Applied to that same value: `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, `dependentSchemas`. */
  | "same-value"
  /** Applied to a property or item of it: `properties`, `items`, `additionalProperties`, ... */
  | "part"
  /** Applied to nothing until a `$ref` names it: `definitions`, `$defs`. */
  | "definition";

export interface Subschema {
  /** JSON pointer tokens from the parent schema to the subschema, e.g. ["allOf", "0"]. */
  readonly tokens: readonly string[];
  readonly schema: Record<string, unknown>;
  readonly kind: SubschemaKind;
}

type Shape = "one" | "list" | "map";

/** keyword -> shape(s) of its value and kind. `items` is a schema or (draft-07) a list of them. */
const KEYWORDS: ReadonlyMap<string, { readonly shapes: readonly Shape[]; readonly kind: SubschemaKind }> = new Map([
  ["allOf", { shapes: ["list"], kind: "same-value" }],
  ["anyOf", { shapes: ["list"], kind: "same-value" }],
  ["oneOf", { shapes: ["list"], kind: "same-value" }],
  ["not", { shapes: ["one"], kind: "same-value" }],
  ["if", { shapes: ["one"], kind: "same-value" }],
  ["then", { shapes: ["one"], kind: "same-value" }],
  ["else", { shapes: ["one"], kind: "same-value" }],
  ["dependentSchemas", { shapes: ["map"], kind: "same-value" }],
  // draft-07: a property's value is a schema (applied to the object) or a list of names (skipped: not objects).
  ["dependencies", { shapes: ["map"], kind: "same-value" }],
  ["properties", { shapes: ["map"], kind: "part" }],
  ["patternProperties", { shapes: ["map"], kind: "part" }],
  ["additionalProperties", { shapes: ["one"], kind: "part" }],
  ["unevaluatedProperties", { shapes: ["one"], kind: "part" }],
  ["propertyNames", { shapes: ["one"], kind: "part" }],
  ["items", { shapes: ["one", "list"], kind: "part" }],
  ["prefixItems", { shapes: ["list"], kind: "part" }],
  ["additionalItems", { shapes: ["one"], kind: "part" }],
  ["unevaluatedItems", { shapes: ["one"], kind: "part" }],
  ["contains", { shapes: ["one"], kind: "part" }],
  ["contentSchema", { shapes: ["one"], kind: "part" }],
  ["definitions", { shapes: ["map"], kind: "definition" }],
  ["$defs", { shapes: ["map"], kind: "definition" }],
]);

export function isSchemaObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The schema objects directly inside `schema`, in document order; boolean schemas are left out. */
export function subschemas(schema: Record<string, unknown>): Subschema[] {
  const found: Subschema[] = [];
  for (const [keyword, value] of Object.entries(schema)) {
    const rule = KEYWORDS.get(keyword);
    if (rule === undefined) continue;
    const { kind, shapes } = rule;
    if (shapes.includes("one") && isSchemaObject(value)) {
      found.push({ tokens: [keyword], schema: value, kind });
    } else if (shapes.includes("list") && Array.isArray(value)) {
      value.forEach((item, index) => {
        if (isSchemaObject(item)) found.push({ tokens: [keyword, String(index)], schema: item, kind });
      });
    } else if (shapes.includes("map") && isSchemaObject(value)) {
      for (const [name, item] of Object.entries(value)) {
        if (isSchemaObject(item)) found.push({ tokens: [keyword, name], schema: item, kind });
      }
    }
  }
  return found;
}

/**
 * `type` (and type arrays; `integer` is a subset of `number`), `enum` and
 * `const`: the keywords that say which values, or which kinds of value, a
 * schema admits. Also the kinds of value a schema admits at all, which the
 * other keyword modules use to ignore a change no payload can meet (a
 * `maxLength` on a schema that admits no string).
 */
import { jsonEqual } from "./sameSchema.js";
import { type SchemaObject, type SchemaPair, type Walk, keywordPointer } from "./walk.js";

/** A JSON value's kind as validators see it; integers are numbers too. */
export type ValueKind = "null" | "boolean" | "object" | "array" | "string" | "number";

const ALL_KINDS: readonly ValueKind[] = ["null", "boolean", "object", "array", "string", "number"];

function kindOf(value: unknown): ValueKind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as ValueKind;
}

/** The `type` names of a schema, or undefined when it has no `type`. */
function typeNames(schema: SchemaObject): readonly string[] | undefined {
  const type = schema.type;
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((name): name is string => typeof name === "string");
  return undefined;
}

function matchesType(value: unknown, names: readonly string[] | undefined): boolean {
  if (names === undefined) return true;
  const kind = kindOf(value);
  return names.some((name) => name === kind || (name === "integer" && kind === "number" && Number.isInteger(value)));
}

/** The values `enum` and `const` allow together, or undefined when neither is there (any value). */
export function allowedValues(schema: SchemaObject): readonly unknown[] | undefined {
  let values: readonly unknown[] | undefined;
  if (Array.isArray(schema.enum)) values = schema.enum;
  if (schema.const !== undefined)
    values = values === undefined ? [schema.const] : values.filter((v) => jsonEqual(v, schema.const));
  return values;
}

/** Whether a schema can admit a value of `kind`, judged from `type`, `enum` and `const`. */
export function admitsKind(schema: SchemaObject, kind: ValueKind): boolean {
  const names = typeNames(schema);
  if (names !== undefined && !names.some((name) => name === kind || (kind === "number" && name === "integer")))
    return false;
  const values = allowedValues(schema);
  return values === undefined || values.some((value) => kindOf(value) === kind && matchesType(value, names));
}

/** Whether every value of type `name` matches `names`. */
function typeCovered(name: string, names: readonly string[] | undefined): boolean {
  if (names === undefined) return true;
  return names.includes(name) || (name === "integer" && names.includes("number"));
}

export function compareType(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema } = pair;
  const before = typeNames(oldSchema);
  const after = typeNames(newSchema);
  const asSet = (names: readonly string[] | undefined) => (names === undefined ? ALL_KINDS : names);
  if (before !== undefined && after !== undefined && jsonEqual([...before].sort(), [...after].sort())) return;
  if (before === undefined && after === undefined) return;
  // With a finite set of values, only those values matter.
  const oldValues = allowedValues(oldSchema);
  const newValues = allowedValues(newSchema);
  const narrows =
    oldValues !== undefined
      ? oldValues.some((value) => matchesType(value, before) && !matchesType(value, after))
      : asSet(before).some((name) => !typeCovered(name, after));
  const widens =
    newValues !== undefined
      ? newValues.some((value) => matchesType(value, after) && !matchesType(value, before))
      : asSet(after).some((name) => !typeCovered(name, before));
  if (!narrows && !widens) return;
  const show = (names: readonly string[] | undefined) => (names === undefined ? "any type" : names.join(" | "));
  walk.record({
    pointer: keywordPointer("type", pair),
    keyword: "type",
    kind: narrows && widens ? "TYPE_CHANGED" : narrows ? "TYPE_NARROWED" : "TYPE_EXTENDED",
    old: oldSchema.type,
    new: newSchema.type,
    narrows,
    widens,
    detail: `type changed from ${show(before)} to ${show(after)}`,
  });
}

export function compareValues(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema } = pair;
  const before = allowedValues(oldSchema);
  const after = allowedValues(newSchema);
  if (before === undefined && after === undefined) return;
  const missingFrom = (values: readonly unknown[], from: readonly unknown[] | undefined) =>
    from === undefined ? [] : values.filter((value) => !from.some((other) => jsonEqual(value, other)));
  // A value its own schema's `type` rejects was never valid: dropping or adding it changes nothing.
  const oldTypes = typeNames(oldSchema);
  const newTypes = typeNames(newSchema);
  const removed =
    before === undefined ? undefined : missingFrom(before, after).filter((value) => matchesType(value, oldTypes));
  const added =
    after === undefined ? undefined : missingFrom(after, before).filter((value) => matchesType(value, newTypes));
  const narrows = removed === undefined ? true : removed.length > 0;
  const widens = added === undefined ? true : added.length > 0;
  if (!narrows && !widens) return;
  const keyword =
    newSchema.const !== undefined || (newSchema.enum === undefined && oldSchema.const !== undefined) ? "const" : "enum";
  const show = (values: readonly unknown[] | undefined) =>
    values === undefined ? "any value" : values.map((value) => JSON.stringify(value)).join(", ");
  walk.record({
    pointer: keywordPointer(keyword, pair),
    keyword,
    kind: narrows && widens ? "ENUM_ARRAY_CHANGED" : narrows ? "ENUM_ARRAY_NARROWED" : "ENUM_ARRAY_EXTENDED",
    old: oldSchema[keyword],
    new: newSchema[keyword],
    narrows,
    widens,
    detail: `allowed values changed from ${show(before)} to ${show(after)}`,
  });
}

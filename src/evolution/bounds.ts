/**
 * Bounds: lengths (`minLength`, `maxLength`), counts (`minItems`, `maxItems`,
 * `minProperties`, `maxProperties`), numbers (`minimum`, `maximum`,
 * `exclusiveMinimum`, `exclusiveMaximum` in draft-04's boolean form and the
 * later numeric form) and `multipleOf`.
 */
import type { BoundKeyword } from "./types.js";
import { type SchemaObject, type SchemaPair, type Walk, keywordPointer } from "./walk.js";

const KIND_STEM: Readonly<Record<string, BoundKeyword>> = {
  minLength: "MIN_LENGTH",
  maxLength: "MAX_LENGTH",
  minItems: "MIN_ITEMS",
  maxItems: "MAX_ITEMS",
  minProperties: "MIN_PROPERTIES",
  maxProperties: "MAX_PROPERTIES",
  minimum: "MINIMUM",
  maximum: "MAXIMUM",
  exclusiveMinimum: "EXCLUSIVE_MINIMUM",
  exclusiveMaximum: "EXCLUSIVE_MAXIMUM",
};

function rawChangeKind(keyword: string, before: unknown, after: unknown) {
  const stem = KIND_STEM[keyword]!;
  const on = (value: unknown) => value !== undefined && value !== false;
  if (!on(before)) return `${stem}_ADDED` as const;
  if (!on(after)) return `${stem}_REMOVED` as const;
  if (typeof before === "number" && typeof after === "number")
    return after > before ? (`${stem}_INCREASED` as const) : (`${stem}_DECREASED` as const);
  return `${stem}_CHANGED` as const;
}

/** `min*`/`max*` counts: absent means 0 and no limit. */
export function compareCount(
  walk: Walk,
  keyword: "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties",
  pair: SchemaPair,
): void {
  const { oldSchema, newSchema } = pair;
  const lower = keyword.startsWith("min");
  const effective = (value: unknown) => (typeof value === "number" ? value : lower ? 0 : Number.POSITIVE_INFINITY);
  const before = effective(oldSchema[keyword]);
  const after = effective(newSchema[keyword]);
  if (before === after) return;
  walk.record({
    pointer: keywordPointer(keyword, pair),
    keyword,
    kind: rawChangeKind(keyword, oldSchema[keyword], newSchema[keyword]),
    old: oldSchema[keyword],
    new: newSchema[keyword],
    narrows: lower ? after > before : after < before,
    widens: lower ? after < before : after > before,
    detail: `${keyword} changed from ${before} to ${after}`,
  });
}

interface NumberBound {
  readonly value: number;
  readonly exclusive: boolean;
}

/** The effective bound of `minimum`/`exclusiveMinimum` (or the maximum pair), whichever draft's form. */
function numberBound(schema: SchemaObject, side: "min" | "max"): NumberBound | undefined {
  const inclusive = schema[side === "min" ? "minimum" : "maximum"];
  const exclusive = schema[side === "min" ? "exclusiveMinimum" : "exclusiveMaximum"];
  const bound = typeof inclusive === "number" ? inclusive : undefined;
  // draft-04: a boolean that makes `minimum` exclusive.
  if (typeof exclusive === "boolean") return bound === undefined ? undefined : { value: bound, exclusive };
  if (typeof exclusive === "number") {
    const tighter = bound === undefined || (side === "min" ? exclusive >= bound : exclusive <= bound);
    return tighter ? { value: exclusive, exclusive: true } : { value: bound, exclusive: false };
  }
  return bound === undefined ? undefined : { value: bound, exclusive: false };
}

/** Whether `after` rejects a number `before` accepts. */
function boundTightens(before: NumberBound | undefined, after: NumberBound | undefined, side: "min" | "max"): boolean {
  if (after === undefined) return false;
  if (before === undefined) return true;
  if (after.value !== before.value) return side === "min" ? after.value > before.value : after.value < before.value;
  return after.exclusive && !before.exclusive;
}

function showBound(bound: NumberBound | undefined, side: "min" | "max"): string {
  if (bound === undefined) return "none";
  return `${side === "min" ? ">" : "<"}${bound.exclusive ? "" : "="} ${bound.value}`;
}

export function compareNumberBounds(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema } = pair;
  for (const side of ["min", "max"] as const) {
    const keywords = side === "min" ? ["minimum", "exclusiveMinimum"] : ["maximum", "exclusiveMaximum"];
    const before = numberBound(oldSchema, side);
    const after = numberBound(newSchema, side);
    const narrows = boundTightens(before, after, side);
    const widens = boundTightens(after, before, side);
    for (const keyword of keywords) {
      if (oldSchema[keyword] === newSchema[keyword]) continue;
      walk.record({
        pointer: keywordPointer(keyword, pair),
        keyword,
        kind: rawChangeKind(keyword, oldSchema[keyword], newSchema[keyword]),
        old: oldSchema[keyword],
        new: newSchema[keyword],
        narrows,
        widens,
        detail: `the ${side === "min" ? "lower" : "upper"} bound changed from ${showBound(before, side)} to ${showBound(after, side)}`,
      });
    }
  }
}

/** Whether every multiple of `of` is a multiple of `by`; proven only for integers. */
function multiplesStay(of: number, by: number): boolean {
  if (of === by) return true;
  return Number.isInteger(of) && Number.isInteger(by) && by !== 0 && of % by === 0;
}

/**
 * ajv decides `multipleOf` as `value / by === parseInt(value / by)`, and
 * parseInt reads a quotient of 1e21 or more in exponent form ("1.8e+21" → 1):
 * 3.6e21 is a multiple of 4 to ajv, and not of 2. A smaller multipleOf is
 * therefore safe only where the schema's bounds keep every quotient below 1e21.
 */
function quotientsStaySmall(schema: SchemaObject, by: number): boolean {
  const lower = numberBound(schema, "min");
  const upper = numberBound(schema, "max");
  if (lower === undefined || upper === undefined) return false;
  return Math.max(Math.abs(lower.value), Math.abs(upper.value)) / Math.abs(by) < 1e21;
}

export function compareMultipleOf(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema } = pair;
  const before = typeof oldSchema.multipleOf === "number" ? oldSchema.multipleOf : undefined;
  const after = typeof newSchema.multipleOf === "number" ? newSchema.multipleOf : undefined;
  if (before === after) return;
  // The new multipleOf must divide the old one (every multiple of 6 is one of 3), within ajv's reach.
  const narrows =
    after !== undefined &&
    (before === undefined ||
      !multiplesStay(before, after) ||
      (before !== after && !quotientsStaySmall(oldSchema, after)));
  const widens =
    before !== undefined &&
    (after === undefined ||
      !multiplesStay(after, before) ||
      (before !== after && !quotientsStaySmall(newSchema, before)));
  const divides = before !== undefined && after !== undefined && multiplesStay(before, after);
  const dividedBy = before !== undefined && after !== undefined && multiplesStay(after, before);
  const integers =
    (before === undefined || Number.isInteger(before)) && (after === undefined || Number.isInteger(after));
  walk.record({
    pointer: keywordPointer("multipleOf", pair),
    keyword: "multipleOf",
    kind:
      before === undefined
        ? "MULTIPLE_OF_ADDED"
        : after === undefined
          ? "MULTIPLE_OF_REMOVED"
          : divides
            ? "MULTIPLE_OF_REDUCED"
            : dividedBy
              ? "MULTIPLE_OF_EXPANDED"
              : "MULTIPLE_OF_CHANGED",
    old: oldSchema.multipleOf,
    new: newSchema.multipleOf,
    narrows,
    widens,
    detail: `multipleOf changed from ${before ?? "none"} to ${after ?? "none"}`,
    ...(before === undefined || after === undefined
      ? {}
      : !integers
        ? { unproven: "that one non-integer multipleOf divides another (floating-point division decides it)" }
        : (divides && narrows) || (dividedBy && widens)
          ? {
              unproven:
                "a smaller multipleOf safe without a minimum and maximum: ajv rejects a quotient of 1e21 or more (value / multipleOf) that the larger multipleOf accepted",
            }
          : {}),
  });
}

/**
 * Old/new schema pairs with the checker's expected verdict and changes
 * (issue 14 §1). A verdict names the direction a pair breaks: "none" (no mode
 * breaks), "backward" (a payload valid under the old schema can fail the new
 * one), "forward" (the reverse), or "both". `changes` lists every change the
 * checker reports, as "pointer KIND", in any order.
 *
 * `COMMON_ROWS` hold for every draft and run once per draft with its
 * `$schema`; the other tables hold for one draft family only.
 */
import type { SchemaDraft } from "pgmq-gen/compiler";

export type Verdict = "none" | "backward" | "forward" | "both";

export interface Row {
  readonly name: string;
  readonly old: unknown;
  readonly new: unknown;
  readonly breaks: Verdict;
  readonly changes: readonly string[];
  /** Drafts the row does not apply to (a keyword they lack). */
  readonly skip?: readonly SchemaDraft[];
}

const row = (
  name: string,
  old: unknown,
  next: unknown,
  breaks: Verdict,
  changes: readonly string[],
  skip?: readonly SchemaDraft[],
): Row => ({ name, old, new: next, breaks, changes, ...(skip === undefined ? {} : { skip }) });

const str = { type: "string" };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties,
  ...extra,
});

export const COMMON_ROWS: readonly Row[] = [
  // type
  row("type unchanged", str, { type: "string" }, "none", []),
  row("type extended with null", str, { type: ["string", "null"] }, "forward", ["/type TYPE_EXTENDED"]),
  row("type narrowed to one of a union", { type: ["string", "null"] }, str, "backward", ["/type TYPE_NARROWED"]),
  row("integer widened to number", { type: "integer" }, { type: "number" }, "forward", ["/type TYPE_EXTENDED"]),
  row("number narrowed to integer", { type: "number" }, { type: "integer" }, "backward", ["/type TYPE_NARROWED"]),
  row("string changed to number", str, { type: "number" }, "both", ["/type TYPE_CHANGED"]),
  row("type added to an untyped schema", {}, str, "backward", ["/type TYPE_NARROWED"]),
  row("type removed", { type: "object" }, {}, "forward", ["/type TYPE_EXTENDED"]),
  row("type union reordered", { type: ["string", "number"] }, { type: ["number", "string"] }, "none", []),
  row("integer beside number dropped", { type: ["integer", "number"] }, { type: "number" }, "none", []),
  row(
    "type of a property narrowed",
    obj({ a: { type: ["integer", "null"] } }),
    obj({ a: { type: "integer" } }),
    "backward",
    ["/properties/a/type TYPE_NARROWED"],
  ),
  // enum and const
  row("enum extended", { enum: ["a", "b"] }, { enum: ["a", "b", "c"] }, "forward", ["/enum ENUM_ARRAY_EXTENDED"]),
  row("enum narrowed", { enum: ["a", "b", "c"] }, { enum: ["a", "b"] }, "backward", ["/enum ENUM_ARRAY_NARROWED"]),
  row("enum reordered", { enum: ["a", "b"] }, { enum: ["b", "a"] }, "none", []),
  row("enum added", str, { type: "string", enum: ["a"] }, "backward", ["/enum ENUM_ARRAY_NARROWED"]),
  row("enum removed", { enum: ["a"] }, {}, "forward", ["/enum ENUM_ARRAY_EXTENDED"]),
  row("enum value of objects compared as JSON", { enum: [{ a: 1, b: 2 }] }, { enum: [{ b: 2, a: 1 }] }, "none", []),
  row(
    "enum value the type rejected dropped",
    { type: "string", enum: ["a", 1] },
    { type: "string", enum: ["a"] },
    "none",
    [],
  ),
  row(
    "type added that rejects an enum value",
    { enum: ["a", null] },
    { type: "string", enum: ["a", null] },
    "backward",
    ["/type TYPE_NARROWED"],
  ),
  row("type added that every enum value meets", { enum: ["a", "b"] }, { type: "string", enum: ["a", "b"] }, "none", []),
  row("const changed", { const: "a" }, { const: "b" }, "both", ["/const ENUM_ARRAY_CHANGED"], ["draft-04"]),
  row(
    "const widened to an enum",
    { const: "a" },
    { enum: ["a", "b"] },
    "forward",
    ["/enum ENUM_ARRAY_EXTENDED"],
    ["draft-04"],
  ),
  row(
    "enum narrowed to a const",
    { enum: ["a", "b"] },
    { const: "a" },
    "backward",
    ["/const ENUM_ARRAY_NARROWED"],
    ["draft-04"],
  ),
  // string bounds
  row("maxLength decreased", { maxLength: 10 }, { maxLength: 5 }, "backward", ["/maxLength MAX_LENGTH_DECREASED"]),
  row("maxLength increased", { maxLength: 5 }, { maxLength: 10 }, "forward", ["/maxLength MAX_LENGTH_INCREASED"]),
  row("maxLength added", str, { type: "string", maxLength: 5 }, "backward", ["/maxLength MAX_LENGTH_ADDED"]),
  row("maxLength removed", { type: "string", maxLength: 5 }, str, "forward", ["/maxLength MAX_LENGTH_REMOVED"]),
  row("minLength increased", { minLength: 1 }, { minLength: 2 }, "backward", ["/minLength MIN_LENGTH_INCREASED"]),
  row("minLength decreased", { minLength: 2 }, { minLength: 0 }, "forward", ["/minLength MIN_LENGTH_DECREASED"]),
  row("minLength 0 added", str, { type: "string", minLength: 0 }, "none", []),
  row("maxLength added where no string is valid", { type: "number" }, { type: "number", maxLength: 3 }, "none", [
    "/maxLength MAX_LENGTH_ADDED",
  ]),
  // number bounds
  row("minimum increased", { minimum: 0 }, { minimum: 1 }, "backward", ["/minimum MINIMUM_INCREASED"]),
  row("minimum decreased", { minimum: 1 }, { minimum: 0 }, "forward", ["/minimum MINIMUM_DECREASED"]),
  row("maximum decreased", { maximum: 10 }, { maximum: 5 }, "backward", ["/maximum MAXIMUM_DECREASED"]),
  row("maximum added", { type: "number" }, { type: "number", maximum: 5 }, "backward", ["/maximum MAXIMUM_ADDED"]),
  row("maximum removed", { type: "number", maximum: 5 }, { type: "number" }, "forward", ["/maximum MAXIMUM_REMOVED"]),
  row("minimum added where no number is valid", str, { type: "string", minimum: 5 }, "none", [
    "/minimum MINIMUM_ADDED",
  ]),
  row(
    "minimum added where only strings are allowed values",
    { enum: ["a", "b"] },
    { enum: ["a", "b"], minimum: 3 },
    "none",
    ["/minimum MINIMUM_ADDED"],
  ),
  row("multipleOf added", { type: "integer" }, { type: "integer", multipleOf: 2 }, "backward", [
    "/multipleOf MULTIPLE_OF_ADDED",
  ]),
  row("multipleOf removed", { type: "integer", multipleOf: 2 }, { type: "integer" }, "forward", [
    "/multipleOf MULTIPLE_OF_REMOVED",
  ]),
  row(
    "multipleOf reduced to a divisor within bounds",
    { minimum: 0, maximum: 1000, multipleOf: 4 },
    { minimum: 0, maximum: 1000, multipleOf: 2 },
    "forward",
    ["/multipleOf MULTIPLE_OF_REDUCED"],
  ),
  row("multipleOf reduced to a divisor, unbounded (ajv's parseInt)", { multipleOf: 4 }, { multipleOf: 2 }, "both", [
    "/multipleOf MULTIPLE_OF_REDUCED",
  ]),
  row(
    "multipleOf expanded to a multiple within bounds",
    { minimum: -100, maximum: 100, multipleOf: 2 },
    { minimum: -100, maximum: 100, multipleOf: 4 },
    "backward",
    ["/multipleOf MULTIPLE_OF_EXPANDED"],
  ),
  row("multipleOf expanded to a multiple, unbounded (ajv's parseInt)", { multipleOf: 2 }, { multipleOf: 4 }, "both", [
    "/multipleOf MULTIPLE_OF_EXPANDED",
  ]),
  row("multipleOf changed to a coprime", { multipleOf: 2 }, { multipleOf: 3 }, "both", [
    "/multipleOf MULTIPLE_OF_CHANGED",
  ]),
  row(
    "multipleOf 6 reduced to 3 within bounds",
    { type: "integer", minimum: 0, exclusiveMaximum: 1e6, multipleOf: 6 },
    { type: "integer", minimum: 0, exclusiveMaximum: 1e6, multipleOf: 3 },
    "forward",
    ["/multipleOf MULTIPLE_OF_REDUCED"],
    ["draft-04"],
  ),
  row("non-integer multipleOf changed (not proven)", { multipleOf: 0.5 }, { multipleOf: 0.25 }, "both", [
    "/multipleOf MULTIPLE_OF_CHANGED",
  ]),
  // array bounds and items
  row("minItems increased", { minItems: 0 }, { minItems: 1 }, "backward", ["/minItems MIN_ITEMS_INCREASED"]),
  row("maxItems increased", { maxItems: 3 }, { maxItems: 5 }, "forward", ["/maxItems MAX_ITEMS_INCREASED"]),
  row("maxItems added", { type: "array" }, { type: "array", maxItems: 5 }, "backward", ["/maxItems MAX_ITEMS_ADDED"]),
  row("uniqueItems added", { type: "array" }, { type: "array", uniqueItems: true }, "backward", [
    "/uniqueItems UNIQUE_ITEMS_ADDED",
  ]),
  row("uniqueItems removed", { uniqueItems: true }, { uniqueItems: false }, "forward", [
    "/uniqueItems UNIQUE_ITEMS_REMOVED",
  ]),
  row(
    "items extended",
    { type: "array", items: str },
    { type: "array", items: { type: ["string", "null"] } },
    "forward",
    ["/items/type TYPE_EXTENDED"],
  ),
  row("items changed", { type: "array", items: str }, { type: "array", items: { type: "number" } }, "both", [
    "/items/type TYPE_CHANGED",
  ]),
  row("items added", { type: "array" }, { type: "array", items: str }, "backward", ["/items/type TYPE_NARROWED"]),
  row("items removed", { type: "array", items: str }, { type: "array" }, "forward", ["/items/type TYPE_EXTENDED"]),
  row("items' maxLength decreased", { items: { maxLength: 3 } }, { items: { maxLength: 2 } }, "backward", [
    "/items/maxLength MAX_LENGTH_DECREASED",
  ]),
  row("items changed where no array is valid", str, { type: "string", items: { type: "number" } }, "none", [
    "/items/type TYPE_NARROWED",
  ]),
  // object bounds, properties, required, additionalProperties
  row("required property added", obj({ a: str }), obj({ a: str }, { required: ["a"] }), "backward", [
    "/required REQUIRED_PROPERTY_ADDED",
  ]),
  row("required property removed", obj({ a: str }, { required: ["a"] }), obj({ a: str }), "forward", [
    "/required REQUIRED_PROPERTY_REMOVED",
  ]),
  row("required reordered", obj({}, { required: ["a", "b"] }), obj({}, { required: ["b", "a"] }), "none", []),
  row("required added where no object is valid", str, { type: "string", required: ["a"] }, "none", [
    "/required REQUIRED_PROPERTY_ADDED",
  ]),
  row(
    "constrained property added to an open model",
    obj({ a: str }),
    obj({ a: str, b: { type: "number" } }),
    "backward",
    ["/properties/b PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
  ),
  row(
    "unconstrained property added to an open model",
    obj({ a: str }),
    obj({ a: str, b: { description: "any" } }),
    "none",
    ["/properties/b PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
  ),
  row(
    "property added to a closed model",
    obj({ a: str }, { additionalProperties: false }),
    obj({ a: str, b: str }, { additionalProperties: false }),
    "forward",
    ["/properties/b PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL"],
  ),
  row(
    "required property added to a closed model",
    obj({ a: str }, { additionalProperties: false }),
    obj({ a: str, b: str }, { additionalProperties: false, required: ["b"] }),
    "both",
    ["/properties/b PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL", "/required REQUIRED_PROPERTY_ADDED"],
  ),
  row(
    "property removed from a closed model",
    obj({ a: str, b: str }, { additionalProperties: false }),
    obj({ a: str }, { additionalProperties: false }),
    "backward",
    ["/properties/b PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"],
  ),
  row("property removed from an open model", obj({ a: str, b: str }), obj({ a: str }), "forward", [
    "/properties/b PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
  ]),
  row(
    "property added inside a partially open model, narrower",
    obj({}, { additionalProperties: str }),
    obj({ b: { type: "string", maxLength: 3 } }, { additionalProperties: str }),
    "backward",
    ["/properties/b PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL"],
  ),
  row(
    "property added inside a partially open model, wider",
    obj({}, { additionalProperties: str }),
    obj({ b: { type: ["string", "null"] } }, { additionalProperties: str }),
    "forward",
    ["/properties/b PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL"],
  ),
  row(
    "property added inside a partially open model, the same",
    obj({}, { additionalProperties: str }),
    obj({ b: { type: "string", title: "B" } }, { additionalProperties: str }),
    "none",
    ["/properties/b PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL"],
  ),
  row("model closed", obj({ a: str }), obj({ a: str }, { additionalProperties: false }), "backward", [
    "/additionalProperties ADDITIONAL_PROPERTIES_NARROWED",
  ]),
  row(
    "model opened",
    obj({ a: str }, { additionalProperties: false }),
    obj({ a: str }, { additionalProperties: true }),
    "forward",
    ["/additionalProperties ADDITIONAL_PROPERTIES_EXTENDED"],
  ),
  row(
    "closed model's additionalProperties removed",
    obj({ a: str }, { additionalProperties: false }),
    obj({ a: str }),
    "forward",
    ["/additionalProperties ADDITIONAL_PROPERTIES_EXTENDED"],
  ),
  row(
    "additionalProperties schema extended",
    obj({}, { additionalProperties: str }),
    obj({}, { additionalProperties: { type: ["string", "number"] } }),
    "forward",
    ["/additionalProperties/type TYPE_EXTENDED"],
  ),
  row("open model given an additionalProperties schema", obj({}), obj({}, { additionalProperties: str }), "backward", [
    "/additionalProperties ADDITIONAL_PROPERTIES_NARROWED",
  ]),
  row(
    "nested property narrowed",
    obj({ a: obj({ b: { type: "number" } }) }),
    obj({ a: obj({ b: { type: "integer" } }) }),
    "backward",
    ["/properties/a/properties/b/type TYPE_NARROWED"],
  ),
  row("minProperties increased", { minProperties: 1 }, { minProperties: 2 }, "backward", [
    "/minProperties MIN_PROPERTIES_INCREASED",
  ]),
  row("maxProperties removed", { maxProperties: 3 }, {}, "forward", ["/maxProperties MAX_PROPERTIES_REMOVED"]),
  row(
    "property added where no object is valid",
    str,
    { type: "string", properties: { a: { type: "number" } } },
    "none",
    ["/properties/a PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
  ),
  // pattern and format
  row("pattern added", str, { type: "string", pattern: "^a" }, "backward", ["/pattern PATTERN_ADDED"]),
  row("pattern removed", { type: "string", pattern: "^a" }, str, "forward", ["/pattern PATTERN_REMOVED"]),
  row("pattern changed, even to a wider one (not proven)", { pattern: "^ab" }, { pattern: "^a" }, "both", [
    "/pattern PATTERN_CHANGED",
  ]),
  row("pattern unchanged", { pattern: "^a" }, { pattern: "^a" }, "none", []),
  row("format added", str, { type: "string", format: "email" }, "backward", ["/format FORMAT_ADDED"]),
  row("format removed", { type: "string", format: "email" }, str, "forward", ["/format FORMAT_REMOVED"]),
  row("format changed", { format: "email" }, { format: "idn-email" }, "both", ["/format FORMAT_CHANGED"]),
  // annotations
  row(
    "title and description changed",
    { title: "A", description: "x", type: "string" },
    { title: "B", type: "string" },
    "none",
    ["/title ANNOTATION_CHANGED", "/description ANNOTATION_CHANGED"],
  ),
  row("default and examples added", str, { type: "string", default: "a", examples: ["a"] }, "none", [
    "/default ANNOTATION_CHANGED",
    "/examples ANNOTATION_CHANGED",
  ]),
  row("$comment changed in a property", obj({ a: { $comment: "x" } }), obj({ a: { $comment: "y" } }), "none", [
    "/properties/a/$comment ANNOTATION_CHANGED",
  ]),
  row(
    "deprecated, readOnly and writeOnly added",
    str,
    { type: "string", deprecated: true, readOnly: true, writeOnly: false },
    "none",
    ["/deprecated ANNOTATION_CHANGED", "/readOnly ANNOTATION_CHANGED", "/writeOnly ANNOTATION_CHANGED"],
  ),
  row("a property named title is not an annotation", obj({ title: str }), obj({ title: { type: "number" } }), "both", [
    "/properties/title/type TYPE_CHANGED",
  ]),
  // true and false
  row("false property allowed", obj({ a: false }), obj({ a: true }), "forward", ["/properties/a SCHEMA_EXTENDED"]),
  row("property forbidden with false", obj({ a: true }), obj({ a: false }), "backward", [
    "/properties/a SCHEMA_NARROWED",
  ]),
  row("{} and true are the same", obj({ a: {} }), obj({ a: true }), "none", []),
  // local $ref
  row(
    "definition behind a $ref narrowed",
    { definitions: { a: { type: ["string", "null"] } }, properties: { x: { $ref: "#/definitions/a" } } },
    { definitions: { a: { type: "string" } }, properties: { x: { $ref: "#/definitions/a" } } },
    "backward",
    ["/definitions/a/type TYPE_NARROWED"],
  ),
  row(
    "definition renamed, the same schema",
    { definitions: { a: str }, properties: { x: { $ref: "#/definitions/a" } } },
    { definitions: { b: str }, properties: { x: { $ref: "#/definitions/b" } } },
    "none",
    [],
  ),
  row(
    "unused definition changed",
    { definitions: { a: str }, type: "object" },
    { definitions: { a: { type: "number" } }, type: "object" },
    "none",
    [],
  ),
  row(
    "$ref inlined",
    { definitions: { a: str }, properties: { x: { $ref: "#/definitions/a" } } },
    { properties: { x: str } },
    "none",
    [],
  ),
  row(
    "recursive tree: a field narrowed",
    obj({ name: str, children: { type: "array", items: { $ref: "#" } } }),
    obj({ name: { type: "string", maxLength: 10 }, children: { type: "array", items: { $ref: "#" } } }),
    "backward",
    ["/properties/name/maxLength MAX_LENGTH_ADDED"],
  ),
  row(
    "recursive list: value type extended",
    {
      definitions: { node: obj({ value: { type: "integer" }, next: { $ref: "#/definitions/node" } }) },
      $ref: "#/definitions/node",
    },
    {
      definitions: { node: obj({ value: { type: "number" }, next: { $ref: "#/definitions/node" } }) },
      $ref: "#/definitions/node",
    },
    "forward",
    ["/definitions/node/properties/value/type TYPE_EXTENDED"],
  ),
  row(
    "mutually recursive definitions unchanged",
    {
      definitions: { a: obj({ b: { $ref: "#/definitions/b" } }), b: obj({ a: { $ref: "#/definitions/a" } }) },
      $ref: "#/definitions/a",
    },
    {
      definitions: { a: obj({ b: { $ref: "#/definitions/b" } }), b: obj({ a: { $ref: "#/definitions/a" } }) },
      $ref: "#/definitions/a",
    },
    "none",
    [],
  ),
  row(
    "recursive property added to an open object (compared with the true its absence stands for)",
    { type: "object" },
    obj({ tree: obj({ children: { type: "array", items: { $ref: "#/properties/tree" } } }) }),
    "backward",
    ["/properties/tree PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
  ),
  row(
    "recursive property removed from an open object",
    obj({ tree: obj({ children: { type: "array", items: { $ref: "#/properties/tree" } } }) }),
    { type: "object" },
    "forward",
    ["/properties/tree PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"],
  ),
  row(
    "escaped pointer in a $ref",
    { definitions: { "a/b": str }, $ref: "#/definitions/a~1b" },
    { definitions: { "a/b": { type: "number" } }, $ref: "#/definitions/a~1b" },
    "both",
    ["/definitions/a~1b/type TYPE_CHANGED"],
  ),
  row(
    "$ref to another file (not followed)",
    obj({ a: { $ref: "other.json#/a" } }),
    obj({ a: { $ref: "other.json#/a" } }),
    "both",
    ["/properties/a/$ref REFERENCE_UNRESOLVED"],
  ),
  row("$ref to an anchor (not followed)", obj({ a: { $ref: "#thing" } }), obj({ a: { $ref: "#thing" } }), "both", [
    "/properties/a/$ref REFERENCE_UNRESOLVED",
  ]),
  row(
    "$ref to nothing",
    obj({ a: { $ref: "#/definitions/a" } }, { definitions: { a: str } }),
    obj({ a: { $ref: "#/definitions/b" } }),
    "both",
    ["/properties/a/$ref REFERENCE_UNRESOLVED"],
  ),
  // keywords compared for equality only
  row(
    "oneOf unchanged but for a title",
    { oneOf: [{ type: "string", title: "s" }, { type: "number" }] },
    { oneOf: [{ type: "string", title: "t" }, { type: "number" }] },
    "none",
    [],
  ),
  row("oneOf branch changed", { oneOf: [str, { type: "number" }] }, { oneOf: [str, { type: "integer" }] }, "both", [
    "/oneOf SUM_TYPE_CHANGED",
  ]),
  row("oneOf added", {}, { oneOf: [str, { type: "number" }] }, "backward", ["/oneOf SUM_TYPE_ADDED"]),
  row("oneOf removed", { oneOf: [str, { type: "number" }] }, {}, "forward", ["/oneOf SUM_TYPE_REMOVED"]),
  row(
    "oneOf whose $ref target changed",
    { definitions: { a: str }, oneOf: [{ $ref: "#/definitions/a" }, { type: "null" }] },
    { definitions: { a: { type: "number" } }, oneOf: [{ $ref: "#/definitions/a" }, { type: "null" }] },
    "both",
    ["/oneOf SUM_TYPE_CHANGED"],
  ),
  row("not changed", { not: str }, { not: { type: "number" } }, "both", ["/not NOT_TYPE_CHANGED"]),
  row("not added", {}, { not: str }, "backward", ["/not NOT_TYPE_ADDED"]),
  row(
    "patternProperties beside a new property",
    { type: "object", patternProperties: { "^x": str } },
    { type: "object", patternProperties: { "^x": str }, properties: { a: str } },
    "both",
    ["/properties PATTERN_PROPERTIES_CHANGED"],
  ),
  row(
    "patternProperties unchanged",
    { type: "object", patternProperties: { "^x": str }, properties: { a: str } },
    { type: "object", patternProperties: { "^x": { type: "string", description: "x" } }, properties: { a: str } },
    "none",
    [],
  ),
  row("dependencies added", { type: "object" }, { type: "object", dependencies: { a: ["b"] } }, "backward", [
    "/dependencies DEPENDENCY_ADDED",
  ]),
  row("unknown keyword added", str, { type: "string", "x-custom": 1 }, "backward", ["/x-custom KEYWORD_ADDED"]),
  // anyOf and allOf
  row(
    "anyOf branch added",
    { anyOf: [str, { type: "number" }] },
    { anyOf: [str, { type: "number" }, { type: "null" }] },
    "forward",
    ["/anyOf SUM_TYPE_EXTENDED"],
  ),
  row("anyOf branch removed", { anyOf: [str, { type: "number" }] }, { anyOf: [str] }, "backward", [
    "/anyOf SUM_TYPE_NARROWED",
  ]),
  row("anyOf branch widened", { anyOf: [str, { type: "integer" }] }, { anyOf: [str, { type: "number" }] }, "forward", [
    "/anyOf SUM_TYPE_EXTENDED",
  ]),
  row("anyOf branches reordered", { anyOf: [str, { type: "number" }] }, { anyOf: [{ type: "number" }, str] }, "none", [
    "/anyOf SUM_TYPE_CHANGED",
  ]),
  row(
    "anyOf rewritten as a type union (not proven)",
    { anyOf: [str, { type: "number" }] },
    { type: ["string", "number"] },
    "both",
    ["/anyOf SUM_TYPE_EXTENDED", "/type TYPE_NARROWED"],
  ),
  row("allOf branch added", { allOf: [str] }, { allOf: [str, { minLength: 1 }] }, "backward", [
    "/allOf PRODUCT_TYPE_NARROWED",
  ]),
  row("allOf branch removed", { allOf: [str, { minLength: 1 }] }, { allOf: [str] }, "forward", [
    "/allOf PRODUCT_TYPE_EXTENDED",
  ]),
];

/** draft-04 only: `exclusiveMinimum`/`exclusiveMaximum` are booleans modifying `minimum`/`maximum`; `id`. */
export const DRAFT_04_ROWS: readonly Row[] = [
  row("exclusiveMinimum turned on", { minimum: 0 }, { minimum: 0, exclusiveMinimum: true }, "backward", [
    "/exclusiveMinimum EXCLUSIVE_MINIMUM_ADDED",
  ]),
  row(
    "exclusiveMaximum turned off",
    { maximum: 5, exclusiveMaximum: true },
    { maximum: 5, exclusiveMaximum: false },
    "forward",
    ["/exclusiveMaximum EXCLUSIVE_MAXIMUM_REMOVED"],
  ),
  row(
    "exclusive maximum raised",
    { maximum: 5, exclusiveMaximum: true },
    { maximum: 6, exclusiveMaximum: true },
    "forward",
    ["/maximum MAXIMUM_INCREASED"],
  ),
  row("exclusive > 0 became >= 1", { minimum: 0, exclusiveMinimum: true }, { minimum: 1 }, "backward", [
    "/minimum MINIMUM_INCREASED",
    "/exclusiveMinimum EXCLUSIVE_MINIMUM_REMOVED",
  ]),
  row("exclusive >= 1 became > 0", { minimum: 1 }, { minimum: 0, exclusiveMinimum: true }, "forward", [
    "/minimum MINIMUM_DECREASED",
    "/exclusiveMinimum EXCLUSIVE_MINIMUM_ADDED",
  ]),
  row(
    "exclusiveMinimum without minimum has no effect",
    { type: "number" },
    { type: "number", exclusiveMinimum: true },
    "none",
    ["/exclusiveMinimum EXCLUSIVE_MINIMUM_ADDED"],
  ),
  row(
    "id changed",
    { id: "http://example.com/a", type: "string" },
    { id: "http://example.com/b", type: "string" },
    "none",
    ["/id ANNOTATION_CHANGED"],
  ),
  row(
    "$ref siblings are ignored",
    { definitions: { s: str }, properties: { a: { $ref: "#/definitions/s", maxLength: 3 } } },
    { definitions: { s: str }, properties: { a: { $ref: "#/definitions/s", maxLength: 1 } } },
    "none",
    [],
  ),
  row(
    "$schema written without the empty fragment",
    { $schema: "http://json-schema.org/draft-04/schema#", type: "string" },
    { $schema: "http://json-schema.org/draft-04/schema", type: "string" },
    "none",
    ["/$schema DRAFT_CHANGED"],
  ),
  row(
    "draft changed to draft-07 (not proven)",
    { $schema: "http://json-schema.org/draft-04/schema#", type: "string" },
    { $schema: "http://json-schema.org/draft-07/schema#", type: "string" },
    "both",
    ["/$schema DRAFT_CHANGED"],
  ),
];

/** draft-06 and draft-07: numeric `exclusiveMinimum`/`exclusiveMaximum`, `const`, `contains`, `if`, tuples. */
export const DRAFT_06_07_ROWS: readonly Row[] = [
  row("exclusiveMinimum increased", { exclusiveMinimum: 0 }, { exclusiveMinimum: 1 }, "backward", [
    "/exclusiveMinimum EXCLUSIVE_MINIMUM_INCREASED",
  ]),
  row("exclusiveMaximum removed", { exclusiveMaximum: 10 }, {}, "forward", [
    "/exclusiveMaximum EXCLUSIVE_MAXIMUM_REMOVED",
  ]),
  row("minimum made exclusive", { minimum: 0 }, { exclusiveMinimum: 0 }, "backward", [
    "/minimum MINIMUM_REMOVED",
    "/exclusiveMinimum EXCLUSIVE_MINIMUM_ADDED",
  ]),
  row("exclusive minimum made inclusive", { exclusiveMinimum: 0 }, { minimum: 0 }, "forward", [
    "/exclusiveMinimum EXCLUSIVE_MINIMUM_REMOVED",
    "/minimum MINIMUM_ADDED",
  ]),
  row(
    "minimum below a tighter exclusiveMinimum dropped",
    { minimum: 0, exclusiveMinimum: 5 },
    { exclusiveMinimum: 5 },
    "none",
    ["/minimum MINIMUM_REMOVED"],
  ),
  row(
    "maximum beside exclusiveMaximum lowered to it",
    { maximum: 10, exclusiveMaximum: 5 },
    { maximum: 5, exclusiveMaximum: 5 },
    "none",
    ["/maximum MAXIMUM_DECREASED"],
  ),
  row("const unchanged", { const: 1 }, { const: 1 }, "none", []),
  row("tuple items changed", { items: [str, { type: "number" }] }, { items: [str, { type: "integer" }] }, "both", [
    "/items TUPLE_ITEMS_CHANGED",
  ]),
  row("additionalItems added to a tuple", { items: [str] }, { items: [str], additionalItems: false }, "both", [
    "/additionalItems TUPLE_ITEMS_CHANGED",
  ]),
  row(
    "if/then added",
    { type: "object" },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here.
    { type: "object", if: { required: ["a"] }, then: { required: ["b"] } },
    "backward",
    ["/if CONDITIONAL_ADDED"],
  ),
  row(
    "then changed",
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here.
    { if: { required: ["a"] }, then: { required: ["b"] } },
    // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here.
    { if: { required: ["a"] }, then: { required: ["c"] } },
    "both",
    ["/then CONDITIONAL_CHANGED"],
  ),
  row("contains added", { type: "array" }, { type: "array", contains: str }, "backward", ["/contains CONTAINS_ADDED"]),
  row("propertyNames changed", { propertyNames: { maxLength: 3 } }, { propertyNames: { maxLength: 4 } }, "both", [
    "/propertyNames PROPERTY_NAMES_CHANGED",
  ]),
  row(
    "$id changed",
    { $id: "http://example.com/a", type: "string" },
    { $id: "http://example.com/b", type: "string" },
    "none",
    ["/$id ANNOTATION_CHANGED"],
  ),
  row(
    "$ref siblings are ignored",
    { definitions: { s: str }, properties: { a: { $ref: "#/definitions/s", maxLength: 3 } } },
    { definitions: { s: str }, properties: { a: { $ref: "#/definitions/s", maxLength: 1 } } },
    "none",
    [],
  ),
  row(
    "$schema over https without the fragment",
    { $schema: "http://json-schema.org/draft-07/schema#", type: "string" },
    { $schema: "https://json-schema.org/draft-07/schema", type: "string" },
    "none",
    ["/$schema DRAFT_CHANGED"],
  ),
  row(
    "draft changed to 2020-12 (not proven)",
    { $schema: "http://json-schema.org/draft-07/schema#", type: "string" },
    { $schema: "https://json-schema.org/draft/2020-12/schema", type: "string" },
    "both",
    ["/$schema DRAFT_CHANGED"],
  ),
  row(
    "nested $id: $refs are not followed",
    {
      definitions: { s: str },
      properties: { a: { $id: "http://example.com/a", type: "object" }, b: { $ref: "#/definitions/s" } },
    },
    {
      definitions: { s: str },
      properties: { a: { $id: "http://example.com/a", type: "object" }, b: { $ref: "#/definitions/s" } },
    },
    "both",
    ["/properties/b/$ref REFERENCE_UNRESOLVED"],
  ),
];

/** 2019-09 and 2020-12: `$defs`, `$ref` beside other keywords, `prefixItems`, `unevaluated*`, dynamic references. */
export const DRAFT_2020_ROWS: readonly Row[] = [
  row(
    "$defs behind a $ref narrowed",
    { $defs: { a: { type: ["string", "null"] } }, properties: { x: { $ref: "#/$defs/a" } } },
    { $defs: { a: { type: "string" } }, properties: { x: { $ref: "#/$defs/a" } } },
    "backward",
    ["/$defs/a/type TYPE_NARROWED"],
  ),
  row(
    "$ref beside an annotation is followed",
    { $defs: { a: { type: "integer" } }, properties: { x: { $ref: "#/$defs/a", description: "x" } } },
    { $defs: { a: { type: "number" } }, properties: { x: { $ref: "#/$defs/a", description: "y" } } },
    "forward",
    ["/$defs/a/type TYPE_EXTENDED"],
  ),
  row(
    "$ref siblings apply: a change beside a $ref (not proven)",
    { $defs: { s: str }, properties: { a: { $ref: "#/$defs/s", maxLength: 3 } } },
    { $defs: { s: str }, properties: { a: { $ref: "#/$defs/s", maxLength: 1 } } },
    "both",
    ["/properties/a SCHEMA_CHANGED"],
  ),
  row(
    "$ref beside other keywords, unchanged",
    { $defs: { s: str }, properties: { a: { $ref: "#/$defs/s", maxLength: 3 } } },
    { $defs: { s: str }, properties: { a: { $ref: "#/$defs/s", maxLength: 3 } } },
    "none",
    [],
  ),
  row("prefixItems changed", { prefixItems: [str] }, { prefixItems: [{ type: "number" }] }, "both", [
    "/prefixItems TUPLE_ITEMS_CHANGED",
  ]),
  row(
    "items after prefixItems changed",
    { prefixItems: [str], items: str },
    { prefixItems: [str], items: { type: "number" } },
    "both",
    ["/items TUPLE_ITEMS_CHANGED"],
  ),
  row(
    "unevaluatedProperties: a property added (not proven)",
    { type: "object", properties: { a: str }, unevaluatedProperties: false },
    { type: "object", properties: { a: str, b: str }, unevaluatedProperties: false },
    "both",
    [" SCHEMA_CHANGED"],
  ),
  row(
    "unevaluatedProperties unchanged",
    { type: "object", properties: { a: str }, unevaluatedProperties: false },
    { type: "object", properties: { a: str }, unevaluatedProperties: false },
    "none",
    [],
  ),
  row("dependentRequired added", { type: "object" }, { type: "object", dependentRequired: { a: ["b"] } }, "backward", [
    "/dependentRequired DEPENDENCY_ADDED",
  ]),
  row("dependentSchemas removed", { dependentSchemas: { a: { required: ["b"] } } }, {}, "forward", [
    "/dependentSchemas DEPENDENCY_REMOVED",
  ]),
  row(
    "$dynamicRef (not proven)",
    { $dynamicAnchor: "node", properties: { a: { $dynamicRef: "#node" } } },
    { $dynamicAnchor: "node", properties: { a: { $dynamicRef: "#node" } } },
    "both",
    ["/properties/a SCHEMA_CHANGED"],
  ),
  row(
    "$schema over http with the fragment",
    { $schema: "https://json-schema.org/draft/2020-12/schema", type: "string" },
    { $schema: "http://json-schema.org/draft/2020-12/schema#", type: "string" },
    "none",
    ["/$schema DRAFT_CHANGED"],
  ),
  row(
    "unknown $schema (not proven)",
    { $schema: "https://example.com/my-meta", type: "string" },
    { $schema: "https://example.com/my-meta", type: "string" },
    "both",
    ["/$schema DRAFT_UNKNOWN"],
  ),
];

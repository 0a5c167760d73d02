/**
 * Schemas that make ajv write most of the code shapes it has: references and
 * recursion, the applicators, conditionals, map-like objects, formats, enum
 * and const, dependencies, unevaluated properties and items, tuples,
 * nullable types, in both dialects the generator accepts. One queue each, so
 * each one is its own validator module.
 */
import type { PgmqGenConfig } from "../../src/config/types.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";
const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

/** Schema files by file name (under schemas/), each compiled as one queue. */
export const validatorCorpus: Record<string, object> = {
  "recursive-tree.schema.json": {
    $schema: DRAFT_2020_12,
    title: "RecursiveTree",
    type: "object",
    properties: { root: { $ref: "#/$defs/node" }, forest: { type: "array", items: { $ref: "#/$defs/node" } } },
    required: ["root"],
    $defs: {
      node: {
        type: "object",
        properties: {
          label: { type: "string", minLength: 1 },
          weight: { type: "number" },
          children: { type: "array", items: { $ref: "#/$defs/node" }, maxItems: 20 },
          parent: { anyOf: [{ $ref: "#/$defs/node" }, { type: "null" }] },
        },
        required: ["label"],
        additionalProperties: false,
      },
    },
  },
  "recursive-list.schema.json": {
    $schema: DRAFT_07,
    title: "RecursiveList",
    definitions: {
      cell: {
        type: "object",
        properties: { head: { type: "integer" }, tail: { oneOf: [{ $ref: "#/definitions/cell" }, { type: "null" }] } },
        required: ["head", "tail"],
        additionalProperties: false,
      },
    },
    type: "object",
    properties: { list: { $ref: "#/definitions/cell" } },
  },
  "applicators.schema.json": {
    $schema: DRAFT_07,
    title: "Applicators",
    type: "object",
    properties: {
      shape: {
        oneOf: [
          {
            type: "object",
            properties: { kind: { const: "circle" }, radius: { type: "number", exclusiveMinimum: 0 } },
            required: ["kind", "radius"],
          },
          {
            type: "object",
            properties: { kind: { const: "square" }, side: { type: "number", minimum: 0, multipleOf: 0.5 } },
            required: ["kind", "side"],
          },
        ],
      },
      id: {
        anyOf: [
          { type: "string", pattern: "^[a-z]+$" },
          { type: "integer", minimum: 1 },
        ],
      },
      tagged: {
        allOf: [
          { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          { type: "object", properties: { b: { type: "boolean" } } },
        ],
      },
      notNull: { not: { type: "null" } },
      anything: true,
    },
  },
  "conditionals.schema.json": {
    $schema: DRAFT_2020_12,
    title: "Conditionals",
    type: "object",
    properties: {
      country: { type: "string", enum: ["US", "CA", "NL"] },
      postalCode: { type: "string" },
      phone: { type: "string" },
    },
    if: { properties: { country: { const: "US" } }, required: ["country"] },
    // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword.
    then: { properties: { postalCode: { pattern: "^[0-9]{5}(-[0-9]{4})?$" } } },
    else: { properties: { postalCode: { pattern: "^[A-Z0-9 ]{3,8}$" } } },
    // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword.
    allOf: [{ if: { required: ["phone"] }, then: { properties: { phone: { minLength: 7 } } } }],
  },
  "maps.schema.json": {
    $schema: DRAFT_2020_12,
    title: "Maps",
    type: "object",
    properties: {
      labels: {
        type: "object",
        patternProperties: { "^x-": { type: "string" }, "^n-[0-9]+$": { type: "number" } },
        additionalProperties: false,
        propertyNames: { maxLength: 40 },
        minProperties: 1,
        maxProperties: 100,
      },
      counters: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
      nested: {
        type: "object",
        additionalProperties: {
          type: "object",
          properties: { on: { type: "boolean" } },
          required: ["on"],
          additionalProperties: false,
        },
      },
      never: false,
    },
    additionalProperties: { type: ["string", "null"] },
  },
  "formats.schema.json": {
    $schema: DRAFT_07,
    title: "Formats",
    type: "object",
    properties: {
      date: { type: "string", format: "date" },
      time: { type: "string", format: "time" },
      dateTime: { type: "string", format: "date-time" },
      isoTime: { type: "string", format: "iso-time" },
      isoDateTime: { type: "string", format: "iso-date-time" },
      duration: { type: "string", format: "duration" },
      uri: { type: "string", format: "uri" },
      uriReference: { type: "string", format: "uri-reference" },
      uriTemplate: { type: "string", format: "uri-template" },
      url: { type: "string", format: "url" },
      email: { type: "string", format: "email" },
      hostname: { type: "string", format: "hostname" },
      ipv4: { type: "string", format: "ipv4" },
      ipv6: { type: "string", format: "ipv6" },
      regex: { type: "string", format: "regex" },
      uuid: { type: "string", format: "uuid" },
      jsonPointer: { type: "string", format: "json-pointer" },
      jsonPointerUriFragment: { type: "string", format: "json-pointer-uri-fragment" },
      relativeJsonPointer: { type: "string", format: "relative-json-pointer" },
      byte: { type: "string", format: "byte" },
      int32: { type: "number", format: "int32" },
      int64: { type: "number", format: "int64" },
      float: { type: "number", format: "float" },
      double: { type: "number", format: "double" },
      password: { type: "string", format: "password" },
      binary: { type: "string", format: "binary" },
    },
  },
  "enums.schema.json": {
    $schema: DRAFT_2020_12,
    title: "Enums",
    type: "object",
    properties: {
      color: { enum: ["red", "green", "blue", null, 3] },
      size: { type: "string", enum: ["s", "m", "l", "xl"] },
      point: { enum: [{ x: 0, y: 0 }, [1, 2], "origin"] },
      version: { const: 2 },
      fixed: { const: { kind: "fixed", tags: ["a"] } },
      flag: { const: true },
      nothing: { const: null },
    },
    required: ["version"],
  },
  "dependencies.schema.json": {
    $schema: DRAFT_2020_12,
    title: "Dependencies",
    type: "object",
    properties: { card: { type: "string" }, billing: { type: "string" }, cvc: { type: "string" } },
    dependentRequired: { card: ["billing", "cvc"] },
    dependentSchemas: { billing: { properties: { country: { type: "string", minLength: 2 } }, required: ["country"] } },
  },
  "dependencies-07.schema.json": {
    $schema: DRAFT_07,
    title: "Dependencies07",
    type: "object",
    properties: { card: { type: "string" }, billing: { type: "string" } },
    dependencies: { card: ["billing"], billing: { properties: { zip: { type: "string" } }, required: ["zip"] } },
  },
  "unevaluated.schema.json": {
    $schema: DRAFT_2020_12,
    title: "Unevaluated",
    type: "object",
    allOf: [{ properties: { id: { type: "string" } }, required: ["id"] }],
    anyOf: [{ properties: { a: { type: "number" } } }, { properties: { b: { type: "number" } } }],
    properties: {
      list: {
        type: "array",
        prefixItems: [{ type: "string" }],
        allOf: [{ prefixItems: [true, { type: "number" }] }],
        unevaluatedItems: false,
      },
      meta: {
        type: "object",
        patternProperties: { "^m_": true },
        unevaluatedProperties: { type: "string" },
      },
    },
    unevaluatedProperties: false,
  },
  "tuples.schema.json": {
    $schema: DRAFT_2020_12,
    title: "Tuples",
    type: "object",
    properties: {
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false, minItems: 2 },
      rest: { type: "array", prefixItems: [{ type: "boolean" }], items: { type: "number" } },
      unique: { type: "array", items: { type: "string" }, uniqueItems: true },
      uniqueObjects: { type: "array", items: { type: "object" }, uniqueItems: true },
      uniqueAny: { type: "array", uniqueItems: true },
      contains: { type: "array", contains: { type: "integer", minimum: 10 }, minContains: 1, maxContains: 3 },
    },
  },
  "tuples-07.schema.json": {
    $schema: DRAFT_07,
    title: "Tuples07",
    type: "object",
    properties: {
      pair: { type: "array", items: [{ type: "string" }, { type: "integer" }], additionalItems: false },
      open: { type: "array", items: [{ type: "string" }], additionalItems: { type: "boolean" } },
      contains: { type: "array", contains: { const: "x" } },
    },
  },
  "nullable.schema.json": {
    $schema: DRAFT_07,
    title: "Nullable",
    type: "object",
    properties: {
      name: { type: ["string", "null"], maxLength: 10 },
      count: { type: ["integer", "null"], minimum: 0 },
      any: { type: ["string", "number", "boolean", "object", "array", "null"] },
      maybe: { anyOf: [{ type: "null" }, { type: "object", properties: { v: { type: "string" } } }] },
      choice: { oneOf: [{ type: "null" }, { type: "string" }, { type: "number" }] },
    },
    required: ["name"],
  },
  "dynamic.schema.json": {
    $schema: DRAFT_2020_12,
    $id: "https://example.com/dynamic",
    title: "Dynamic",
    $dynamicAnchor: "node",
    type: "object",
    properties: {
      data: true,
      children: { type: "array", items: { $dynamicRef: "#node" } },
    },
  },
  "scalar-root.schema.json": {
    $schema: DRAFT_07,
    title: "ScalarRoot",
    type: "string",
    minLength: 1,
    maxLength: 10,
    pattern: "^[a-z]",
  },
};

/** A config with one queue per corpus schema (`recursive_tree` for recursive-tree.schema.json, ...). */
export const validatorCorpusConfig: PgmqGenConfig = {
  schemasDir: "schemas",
  outDir: "generated",
  queues: Object.fromEntries(
    Object.keys(validatorCorpus).map((file) => [
      file.replace(".schema.json", "").replaceAll("-", "_"),
      { schema: file },
    ]),
  ),
};

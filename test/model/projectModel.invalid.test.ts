/** Every way a schema can be wrong, each reported with its file, queue and JSON pointer. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueueConfig } from "../../src/config/types.js";
import { CompileError, CompileErrors } from "../../src/errors.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { MAX_SCHEMA_DEPTH } from "../../src/model/schemaDepth.js";
import { createSchemaProject, type SchemaProject } from "./schemaProject.js";

/** `levels` nested objects: { type, properties: { a: { type, properties: { a: ... } } } } (two JSON levels each). */
function nested(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: "integer" };
  for (let level = 0; level < levels; level++) schema = { type: "object", properties: { a: schema } };
  return schema;
}

/** The same as raw text, for depths JSON.stringify itself cannot reach. */
function nestedText(levels: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"integer"}${"}}".repeat(levels)}`;
}

/** Pointer of the first value past MAX_SCHEMA_DEPTH in `nested(...)`: the root is level 1, each `properties/a` adds two. */
const tooDeepPointer = "/properties/a".repeat(MAX_SCHEMA_DEPTH / 2);

const files = {
  "schemas/ref-loop.schema.json": {
    $ref: "#/definitions/a",
    definitions: { a: { $ref: "#/definitions/b" }, b: { $ref: "#/definitions/a" } },
  },
  "schemas/self-ref.schema.json": { $ref: "#" },
  "schemas/loop-a.schema.json": { type: "object", properties: { x: { $ref: "loop-b.schema.json" } } },
  "schemas/loop-b.schema.json": { $ref: "loop-c.schema.json#/definitions/c" },
  "schemas/loop-c.schema.json": { definitions: { c: { $ref: "loop-b.schema.json" } } },
  "schemas/recursive-root.schema.json": {
    type: "object",
    properties: { value: { type: "integer" }, next: { $ref: "#" }, all: { type: "array", items: { $ref: "#" } } },
  },
  "schemas/deep.schema.json": nestedText(20_000),
  "schemas/deep-in-common.schema.json": {
    type: "object",
    properties: { x: { $ref: "deep-common.schema.json#/definitions/a" } },
  },
  "schemas/deep-common.schema.json": { definitions: { a: nested(MAX_SCHEMA_DEPTH) } },
  "schemas/at-limit.schema.json": nested(MAX_SCHEMA_DEPTH / 2 - 1),
  "schemas/common.schema.json": { definitions: { email: { type: "string", format: "email" } } },
  "schemas/bad-json.schema.json": '{\n  "type": "object",\n  "properties": {\n    "a": { "type": "string" },\n  }\n}\n',
  "schemas/truncated.schema.json": '{ "type": "object"',
  "schemas/bad-type.schema.json": { type: "object", properties: { to: { type: "strin" } } },
  "schemas/bad-required.schema.json": { type: "object", required: "to" },
  "schemas/missing-file-ref.schema.json": {
    type: "object",
    properties: { to: { $ref: "nowhere.schema.json#/definitions/email" } },
  },
  "schemas/missing-target.schema.json": {
    type: "object",
    properties: { to: { $ref: "common.schema.json#/definitions/phone" } },
  },
  "schemas/missing-local.schema.json": { type: "object", properties: { to: { $ref: "#/definitions/nope" } } },
  "schemas/remote-ref.schema.json": { type: "object", properties: { to: { $ref: "https://example.com/s.json" } } },
  "schemas/indirect.schema.json": {
    type: "object",
    properties: { x: { $ref: "broken-common.schema.json#/definitions/a" } },
  },
  "schemas/broken-common.schema.json": { definitions: { a: { $ref: "#/definitions/gone" } } },
  "schemas/bad-dialect.schema.json": { $schema: "http://json-schema.org/draft-04/schema#", type: "object" },
  "schemas/typo.schema.json": { type: "object", properties: { to: { type: "string", minLenght: 3 } } },
  "schemas/bad-format.schema.json": { type: "object", properties: { to: { type: "string", format: "emial" } } },
  "schemas/array-root.schema.json": [1, 2],
  "schemas/bad-in-common.schema.json": {
    type: "object",
    properties: { x: { $ref: "invalid-common.schema.json#/definitions/a" } },
  },
  "schemas/invalid-common.schema.json": { definitions: { a: { type: "string", maxLength: -1 } } },
  "schemas/self-allof.schema.json": {
    type: "object",
    properties: { a: { $ref: "#/definitions/a" } },
    definitions: { a: { allOf: [{ $ref: "#/definitions/a" }] } },
  },
  "schemas/root-anyof.schema.json": { type: "object", anyOf: [{ required: ["x"] }, { $ref: "#" }] },
  "schemas/mutual.schema.json": {
    type: "object",
    properties: { v: { $ref: "#/definitions/a" } },
    definitions: {
      a: { anyOf: [{ type: "string" }, { $ref: "#/definitions/b" }] },
      b: { oneOf: [{ not: { $ref: "#/definitions/a" } }] },
    },
  },
  "schemas/mutual-x.schema.json": { type: "object", properties: { v: { $ref: "mutual-y.schema.json" } } },
  // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here.
  "schemas/mutual-y.schema.json": { if: { type: "string" }, then: { $ref: "mutual-z.schema.json#/definitions/z" } },
  "schemas/mutual-z.schema.json": { definitions: { z: { allOf: [{ $ref: "mutual-y.schema.json" }] } } },
  "schemas/duplicate-enum.schema.json": {
    type: "object",
    properties: { a: { enum: ["x", { p: 1, q: [1, 2] }, 3, { q: [1, 2], p: 1 }] } },
  },
  "schemas/duplicate-enum-in-common.schema.json": {
    type: "object",
    properties: { a: { $ref: "enum-common.schema.json#/definitions/e" } },
  },
  "schemas/enum-common.schema.json": { definitions: { e: { anyOf: [{ enum: [1, 2] }, { enum: ["a", "b", "a"] }] } } },
  "schemas/distinct-enum.schema.json": {
    type: "object",
    properties: { a: { enum: ["1", 1, null, "null", { p: 1 }, { p: "1" }, [1, 2], [2, 1], true, "true", 0, -1] } },
  },
  "schemas/tree.schema.json": {
    type: "object",
    properties: { root: { $ref: "#/definitions/node" } },
    definitions: {
      node: {
        type: "object",
        properties: { value: { type: "integer" }, children: { type: "array", items: { $ref: "#/definitions/node" } } },
      },
      tagged: { allOf: [{ $ref: "#/definitions/node" }, { properties: { next: { $ref: "#/definitions/tagged" } } }] },
      unused: { allOf: [{ $ref: "#/definitions/unused" }] },
    },
    anyOf: [{ $ref: "#/definitions/tagged" }, { additionalProperties: { anyOf: [{ $ref: "#" }] } }],
  },
};

interface Want {
  file: string;
  pointer?: string;
  option?: string;
  /** Fragment of the problem text. */
  problem: string | RegExp;
}

describe("buildProjectModel with invalid schemas", () => {
  let project: SchemaProject;
  beforeAll(async () => {
    project = await createSchemaProject("model-invalid", files);
  });
  afterAll(() => project.remove());

  async function errorOf(schema: QueueConfig["schema"]): Promise<CompileError> {
    const error = await buildProjectModel({ queues: { job: { schema } } }, project.configPath).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(CompileError);
    return error as CompileError;
  }

  const cases: [string, { given: QueueConfig["schema"]; want: Want }][] = [
    [
      "trailing comma: line and column",
      {
        given: "bad-json.schema.json",
        want: { file: "schemas/bad-json.schema.json", pointer: "", problem: /not valid JSON at line 5, column 3/ },
      },
    ],
    [
      "truncated JSON",
      {
        given: "truncated.schema.json",
        want: { file: "schemas/truncated.schema.json", pointer: "", problem: /not valid JSON at line 1, column 19/ },
      },
    ],
    [
      "unknown type name",
      {
        given: "bad-type.schema.json",
        want: {
          file: "schemas/bad-type.schema.json",
          pointer: "/properties/to/type",
          problem: /not a valid JSON Schema: keyword "type" must be equal to one of the allowed values/,
        },
      },
    ],
    [
      "required is not an array",
      {
        given: "bad-required.schema.json",
        want: {
          file: "schemas/bad-required.schema.json",
          pointer: "/required",
          problem: /keyword "required" must be array/,
        },
      },
    ],
    [
      "$ref to a missing file",
      {
        given: "missing-file-ref.schema.json",
        want: {
          file: "schemas/missing-file-ref.schema.json",
          pointer: "/properties/to/$ref",
          problem: /schema file schemas\/nowhere.schema.json does not exist/,
        },
      },
    ],
    [
      "$ref to a missing definition in another file",
      {
        given: "missing-target.schema.json",
        want: {
          file: "schemas/missing-target.schema.json",
          pointer: "/properties/to/$ref",
          problem: /points at nothing: schemas\/common.schema.json has no #\/definitions\/phone/,
        },
      },
    ],
    [
      "$ref to a missing local definition",
      {
        given: "missing-local.schema.json",
        want: {
          file: "schemas/missing-local.schema.json",
          pointer: "/properties/to/$ref",
          problem: /this file has no #\/definitions\/nope/,
        },
      },
    ],
    [
      "remote $ref",
      {
        given: "remote-ref.schema.json",
        want: {
          file: "schemas/remote-ref.schema.json",
          pointer: "/properties/to/$ref",
          problem: /is not a local file/,
        },
      },
    ],
    [
      "broken $ref inside a referenced file is reported in that file",
      {
        given: "indirect.schema.json",
        want: {
          file: "schemas/broken-common.schema.json",
          pointer: "/definitions/a/$ref",
          problem: /has no #\/definitions\/gone/,
        },
      },
    ],
    [
      "invalid keyword inside a referenced file",
      {
        given: "bad-in-common.schema.json",
        want: {
          file: "schemas/invalid-common.schema.json",
          pointer: "/definitions/a/maxLength",
          problem: /keyword "maxLength" must be >= 0/,
        },
      },
    ],
    [
      "unsupported $schema",
      {
        given: "bad-dialect.schema.json",
        want: { file: "schemas/bad-dialect.schema.json", pointer: "/$schema", problem: /unsupported \$schema/ },
      },
    ],
    [
      "misspelt keyword",
      {
        given: "typo.schema.json",
        want: {
          file: "schemas/typo.schema.json",
          pointer: "/properties/to/minLenght",
          problem: /unknown keyword: "minLenght"/,
        },
      },
    ],
    [
      "unknown format",
      {
        given: "bad-format.schema.json",
        want: {
          file: "schemas/bad-format.schema.json",
          pointer: "/properties/to/format",
          problem: /unknown format "emial"/,
        },
      },
    ],
    [
      "schema root is not an object",
      {
        given: "array-root.schema.json",
        want: { file: "schemas/array-root.schema.json", pointer: "", problem: /must be a JSON object/ },
      },
    ],
    [
      "schema file does not exist",
      {
        given: "absent.schema.json",
        want: {
          file: "pgmq.config.ts",
          option: "queues.job.schema",
          problem: /schema file schemas\/absent.schema.json does not exist/,
        },
      },
    ],
    [
      "inline schema: pointer inside the inline object",
      {
        given: { type: "object", properties: { n: { type: "integer", minimum: "1" } } },
        want: {
          file: "pgmq.config.ts",
          option: "queues.job.schema",
          pointer: "/properties/n/minimum",
          problem: /keyword "minimum" must be number/,
        },
      },
    ],
    [
      "a $ref loop inside one file: the $ref closing it",
      {
        given: "ref-loop.schema.json",
        want: {
          file: "schemas/ref-loop.schema.json",
          pointer: "/definitions/b/$ref",
          problem: /\$ref "#\/definitions\/a" closes a loop of \$refs that never reaches a schema/,
        },
      },
    ],
    [
      "a schema that is only a $ref to itself",
      {
        given: "self-ref.schema.json",
        want: { file: "schemas/self-ref.schema.json", pointer: "/$ref", problem: /\$ref "#" closes a loop of \$refs/ },
      },
    ],
    [
      "a $ref loop across files is reported in the file that closes it",
      {
        given: "loop-a.schema.json",
        want: {
          file: "schemas/loop-c.schema.json",
          pointer: "/definitions/c/$ref",
          problem:
            /schemas\/loop-b.schema.json# -> schemas\/loop-c.schema.json#\/definitions\/c -> schemas\/loop-b.schema.json#/,
        },
      },
    ],
    [
      "a schema nested 20,000 levels deep: where it passes the limit",
      {
        given: "deep.schema.json",
        want: {
          file: "schemas/deep.schema.json",
          pointer: tooDeepPointer,
          problem: new RegExp(`nested more than ${MAX_SCHEMA_DEPTH} levels deep`),
        },
      },
    ],
    [
      "too deep inside a referenced file is reported in that file",
      {
        given: "deep-in-common.schema.json",
        want: {
          file: "schemas/deep-common.schema.json",
          pointer: `/definitions/a${tooDeepPointer.slice(0, -"/properties/a".length)}`,
          problem: /nested more than/,
        },
      },
    ],
    [
      "inline schema too deep",
      {
        given: nested(MAX_SCHEMA_DEPTH) as QueueConfig["schema"],
        want: {
          file: "pgmq.config.ts",
          option: "queues.job.schema",
          pointer: tooDeepPointer,
          problem: /nested more than/,
        },
      },
    ],
    [
      "round two #15: allOf that refers to its own definition",
      {
        given: "self-allof.schema.json",
        want: {
          file: "schemas/self-allof.schema.json",
          pointer: "/definitions/a/allOf/0/$ref",
          problem:
            /\$ref "#\/definitions\/a" closes a cycle of schemas applied to the same value \(schemas\/self-allof.schema.json#\/definitions\/a -> schemas\/self-allof.schema.json#\/definitions\/a\/allOf\/0 -> schemas\/self-allof.schema.json#\/definitions\/a\)/,
        },
      },
    ],
    [
      "round two #15: anyOf at the root that refers to the root",
      {
        given: "root-anyof.schema.json",
        want: {
          file: "schemas/root-anyof.schema.json",
          pointer: "/anyOf/1/$ref",
          problem:
            /closes a cycle of schemas applied to the same value \(schemas\/root-anyof.schema.json# -> schemas\/root-anyof.schema.json#\/anyOf\/1 -> schemas\/root-anyof.schema.json#\)/,
        },
      },
    ],
    [
      "round two #15: a mutual cycle a -> b -> a through anyOf, oneOf and not",
      {
        given: "mutual.schema.json",
        want: {
          file: "schemas/mutual.schema.json",
          pointer: "/definitions/b/oneOf/0/not/$ref",
          problem:
            /#\/definitions\/a -> .*#\/definitions\/a\/anyOf\/1 -> .*#\/definitions\/b -> .*#\/definitions\/b\/oneOf\/0 -> .*#\/definitions\/b\/oneOf\/0\/not -> .*#\/definitions\/a\)/,
        },
      },
    ],
    [
      "round two #15: a mutual cycle across files through if/then and allOf",
      {
        given: "mutual-x.schema.json",
        want: {
          file: "schemas/mutual-z.schema.json",
          pointer: "/definitions/z/allOf/0/$ref",
          problem:
            /\(schemas\/mutual-y.schema.json# -> schemas\/mutual-y.schema.json#\/then -> schemas\/mutual-z.schema.json#\/definitions\/z -> schemas\/mutual-z.schema.json#\/definitions\/z\/allOf\/0 -> schemas\/mutual-y.schema.json#\)/,
        },
      },
    ],
    [
      "round two #17: duplicate enum values (objects compared by value, in any key order)",
      {
        given: "duplicate-enum.schema.json",
        want: {
          file: "schemas/duplicate-enum.schema.json",
          pointer: "/properties/a/enum",
          problem:
            /not a valid JSON Schema: keyword "enum" must NOT have duplicate items \(items ## 1 and 3 are identical\) \(draft-07\)/,
        },
      },
    ],
    [
      "round two #17: duplicate enum values in a referenced file, inside anyOf",
      {
        given: "duplicate-enum-in-common.schema.json",
        want: {
          file: "schemas/enum-common.schema.json",
          pointer: "/definitions/e/anyOf/1/enum",
          problem: /keyword "enum" must NOT have duplicate items \(items ## 0 and 2 are identical\)/,
        },
      },
    ],
    [
      "inline schema: broken ref",
      {
        given: { type: "object", properties: { n: { $ref: "common.schema.json#/definitions/nope" } } },
        want: {
          file: "pgmq.config.ts",
          option: "queues.job.schema",
          pointer: "/properties/n/$ref",
          problem: /has no #\/definitions\/nope/,
        },
      },
    ],
  ];

  it.each(cases)("%s", async (_name, { given, want }) => {
    const error = await errorOf(given);
    expect(error.location.file).toBe(want.file);
    expect(error.location.queue).toBe("job");
    expect(error.location.pointer).toBe(want.pointer);
    expect(error.location.option).toBe(want.option);
    expect(error.problem).toMatch(want.problem);
    // The message a user sees starts with where: file#pointer.
    if (want.pointer !== undefined) expect(error.message.startsWith(`${want.file}#${want.pointer}`)).toBe(true);
  });

  it.each([
    ["recursion through properties and items back to the root", "recursive-root.schema.json"],
    ["nesting just inside the depth limit", "at-limit.schema.json"],
    ["round two #17: enum values that differ only in type or order", "distinct-enum.schema.json"],
    [
      "round two #15: cycles through properties, items and additionalProperties (a tree), and a cycle in an unused definition",
      "tree.schema.json",
    ],
  ])("accepts %s", async (_name, schema) => {
    const model = await buildProjectModel({ queues: { job: { schema } } }, project.configPath);
    expect(model.queues.map((queue) => queue.key)).toEqual(["job"]);
  });

  it("reports every failing queue at once, in key order", async () => {
    const error = await buildProjectModel(
      {
        queues: {
          b: { schema: "typo.schema.json" },
          a: { schema: "bad-type.schema.json" },
          ok: { schema: "common.schema.json" },
        },
      },
      project.configPath,
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CompileErrors);
    expect((error as CompileErrors).errors.map((item) => item.location.queue)).toEqual(["a", "b"]);
  });
});

/**
 * Patterns with catastrophic backtracking: a schema `pattern` (or a
 * `patternProperties` key) whose matching time explodes on a crafted string
 * blocks the event loop of every producer and worker that validates it. The
 * generator warns at the pattern (file, queue, JSON pointer), or, with
 * `unsafePatterns: "error"`, refuses the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PgmqGenConfig } from "../../src/config/types.js";
import { CompileError, CompileErrors } from "../../src/errors.js";
import { prepareProjectModel } from "../../src/model/projectModel.js";
import { createSchemaProject, type SchemaProject } from "./schemaProject.js";

let project: SchemaProject;
beforeAll(async () => {
  project = await createSchemaProject("unsafe-patterns", {
    "schemas/job.schema.json": {
      type: "object",
      properties: {
        name: { type: "string", pattern: "^(a+)+$" },
        slug: { type: "string", pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$" },
        tags: { type: "object", patternProperties: { "^(x|x)*$": { type: "string" } } },
        postal: { $ref: "common.schema.json#/definitions/postal" },
      },
    },
    "schemas/common.schema.json": {
      definitions: {
        postal: { type: "string", pattern: "^[A-Za-z0-9 -]{2,12}$" },
        spaced: { type: "string", pattern: "^\\s*a*\\s*$" },
      },
    },
    "schemas/uses-spaced.schema.json": {
      type: "object",
      properties: { s: { $ref: "common.schema.json#/definitions/spaced" } },
    },
  });
});
afterAll(() => project.remove());

async function warningsOf(config: PgmqGenConfig) {
  const { schemasCompiled } = await prepareProjectModel(config, project.configPath);
  return schemasCompiled;
}

describe("unsafe patterns", () => {
  it("round two #14: warns at each exponential pattern and patternProperties key, naming file, queue and pointer; safe ones pass", async () => {
    const warnings = await warningsOf({ queues: { job: { schema: "job.schema.json" } } });
    expect(warnings.map((warning) => warning.location)).toEqual([
      { file: "schemas/job.schema.json", queue: "job", pointer: "/properties/name/pattern" },
      { file: "schemas/job.schema.json", queue: "job", pointer: "/properties/tags/patternProperties/^(x|x)*$" },
    ]);
    expect(warnings[0]!.problem).toMatch(/^pattern "\^\(a\+\)\+\$" can take exponential time/);
    expect(warnings[0]!.problem).toMatch(/Rewrite it/);
    expect(warnings[0]!.message).toBe(
      `schemas/job.schema.json#/properties/name/pattern (queue "job"): ${warnings[0]!.problem}`,
    );
  });

  it("round two #14: warns at a polynomial pattern in a referenced file, in that file", async () => {
    const warnings = await warningsOf({ queues: { spaced: { schema: "uses-spaced.schema.json" } } });
    expect(warnings.map((warning) => warning.location)).toEqual([
      { file: "schemas/common.schema.json", queue: "spaced", pointer: "/definitions/spaced/pattern" },
    ]);
    expect(warnings[0]!.problem).toMatch(/polynomial time \(degree \d\)/);
  });

  it('round two #14: unsafePatterns "error" makes each a CompileError; "off" checks nothing', async () => {
    const error = await warningsOf({ unsafePatterns: "error", queues: { job: { schema: "job.schema.json" } } }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(CompileErrors);
    const errors = (error as CompileErrors).errors;
    expect(errors.every((each) => each instanceof CompileError)).toBe(true);
    expect(errors.map((each) => each.location.pointer)).toEqual([
      "/properties/name/pattern",
      "/properties/tags/patternProperties/^(x|x)*$",
    ]);
    expect(await warningsOf({ unsafePatterns: "off", queues: { job: { schema: "job.schema.json" } } })).toEqual([]);
  });

  it("round two #14: an inline schema's pattern is reported in the config, at the queue's option", async () => {
    const warnings = await warningsOf({
      queues: {
        inline: { schema: { type: "object", properties: { a: { type: "string", pattern: "^(\\w+\\s?)*$" } } } },
      },
    });
    expect(warnings.map((warning) => warning.location)).toEqual([
      { file: "pgmq.config.ts", queue: "inline", option: "queues.inline.schema", pointer: "/properties/a/pattern" },
    ]);
  });
});

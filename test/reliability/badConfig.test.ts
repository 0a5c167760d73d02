/**
 * Bad compiler input: config and schema files that are malformed, circular
 * or enormous. Each must fail with a CompileError that names the file at
 * fault, and leave no generated/ behind: neither a partial new one nor a
 * changed old one.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CompileError, CompileErrors, generate } from "pgmq-gen/compiler";
import { createCompilerSandbox, type CompilerSandbox } from "./harness/compilerSandbox.js";

const sandboxes: CompilerSandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((sandbox) => sandbox.remove()));
});

const jobSchema = JSON.stringify({
  type: "object",
  additionalProperties: false,
  required: ["id"],
  properties: { id: { type: "integer" } },
});

function jsonConfig(queues: Record<string, string>): string {
  return JSON.stringify({
    queues: Object.fromEntries(Object.entries(queues).map(([key, schema]) => [key, { schema }])),
  });
}

/** A schema nested `depth` levels deep: { properties: { a: { properties: { a: ... } } } }. */
function deepSchema(depth: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"integer"}${"}}".repeat(depth)}`;
}

/** A valid schema of `count` properties (about 60 bytes each). */
function wideSchema(count: number): string {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < count; i++)
    properties[`field_${i}`] = { type: "string", maxLength: 100, description: `field number ${i}` };
  return JSON.stringify({ type: "object", properties });
}

interface Case {
  name: string;
  files: Record<string, string>;
  configPath: string;
  /** Text the error message must contain (the file at fault). */
  mentions: string;
  /** The error's class: one CompileError, or CompileErrors for what the config's validation gathers. */
  throws: typeof CompileError | typeof CompileErrors;
}

const cases: Case[] = [
  {
    name: "a TypeScript config with a syntax error",
    files: {
      "pgmq.config.ts": "export default { queues: { email: { schema: 'job.schema.json' } }\n",
      "schemas/job.schema.json": jobSchema,
    },
    configPath: "pgmq.config.ts",
    mentions: "pgmq.config.ts",
    throws: CompileError,
  },
  {
    name: "a JSON config cut short",
    files: { "pgmq.config.json": '{ "queues": { "email": { "schema": ', "schemas/job.schema.json": jobSchema },
    configPath: "pgmq.config.json",
    mentions: "pgmq.config.json",
    throws: CompileError,
  },
  {
    name: "a config whose default export is not an object",
    files: { "pgmq.config.ts": "export default 42;\n" },
    configPath: "pgmq.config.ts",
    mentions: "pgmq.config.ts",
    throws: CompileErrors,
  },
  {
    name: "a config with a queue name carrying SQL",
    files: {
      "pgmq.config.json": jsonConfig({ "jobs'; drop table pgmq.meta; --": "job.schema.json" }),
      "schemas/job.schema.json": jobSchema,
    },
    configPath: "pgmq.config.json",
    mentions: "drop table",
    throws: CompileErrors,
  },
  {
    name: "a schema file that is not JSON",
    files: {
      "pgmq.config.json": jsonConfig({ email: "job.schema.json" }),
      "schemas/job.schema.json": '{ "type": "object", ',
    },
    configPath: "pgmq.config.json",
    mentions: "job.schema.json",
    throws: CompileError,
  },
  {
    name: "a schema that is JSON but not a schema",
    files: {
      "pgmq.config.json": jsonConfig({ email: "job.schema.json" }),
      "schemas/job.schema.json": '{ "type": "objet", "required": "id" }',
    },
    configPath: "pgmq.config.json",
    mentions: "job.schema.json",
    throws: CompileError,
  },
  {
    name: "a $ref loop inside one file",
    files: {
      "pgmq.config.json": jsonConfig({ email: "job.schema.json" }),
      "schemas/job.schema.json": JSON.stringify({
        $ref: "#/definitions/a",
        definitions: { a: { $ref: "#/definitions/b" }, b: { $ref: "#/definitions/a" } },
      }),
    },
    configPath: "pgmq.config.json",
    mentions: "job.schema.json",
    throws: CompileError,
  },
  {
    name: "a schema that is only a reference to itself",
    files: {
      "pgmq.config.json": jsonConfig({ email: "job.schema.json" }),
      "schemas/job.schema.json": '{ "$ref": "#" }',
    },
    configPath: "pgmq.config.json",
    mentions: "job.schema.json",
    throws: CompileError,
  },
  {
    name: "a $ref loop across two files",
    files: {
      "pgmq.config.json": jsonConfig({ email: "a.schema.json" }),
      "schemas/a.schema.json": '{ "$ref": "b.schema.json" }',
      "schemas/b.schema.json": '{ "$ref": "a.schema.json" }',
    },
    configPath: "pgmq.config.json",
    mentions: ".schema.json",
    throws: CompileError,
  },
  {
    name: "a good queue next to a queue whose schema is missing",
    files: {
      "pgmq.config.json": jsonConfig({ good: "job.schema.json", bad: "missing.schema.json" }),
      "schemas/job.schema.json": jobSchema,
    },
    configPath: "pgmq.config.json",
    mentions: "missing.schema.json",
    throws: CompileError,
  },
  {
    name: "an enormous schema nested 20,000 levels deep",
    files: {
      "pgmq.config.json": jsonConfig({ email: "deep.schema.json" }),
      "schemas/deep.schema.json": deepSchema(20_000),
    },
    configPath: "pgmq.config.json",
    mentions: "deep.schema.json",
    throws: CompileError,
  },
  {
    name: "an enormous schema file (8 MB) broken at its very end",
    files: {
      "pgmq.config.json": jsonConfig({ email: "wide.schema.json" }),
      "schemas/wide.schema.json": `${wideSchema(100_000).slice(0, -1)},`,
    },
    configPath: "pgmq.config.json",
    mentions: "wide.schema.json",
    throws: CompileError,
  },
];

describe("generate() on bad config and schema files", () => {
  it.each(cases)(
    "issue 13 #5: $name: a $throws.name naming the file, and no generated/",
    async ({ name, files, configPath, mentions, throws }) => {
      const sandbox = await createCompilerSandbox(name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40));
      sandboxes.push(sandbox);
      await sandbox.write(files);
      const error = await generate({ cwd: sandbox.dir, configPath }).then(
        () => new Error("generate() succeeded"),
        (caught: unknown) => caught,
      );
      expect(error, `${name}: got ${String(error)}`).toBeInstanceOf(throws);
      expect((error as Error).message).toContain(mentions);
      expect(await sandbox.snapshot("generated")).toEqual({});
    },
  );

  it("issue 13 #5: leaves an earlier generated/ untouched when a later run fails with a CompileError naming the broken schema", async () => {
    const sandbox = await createCompilerSandbox("earlier-output");
    sandboxes.push(sandbox);
    await sandbox.write({
      "pgmq.config.json": jsonConfig({ email: "job.schema.json", report: "report.schema.json" }),
      "schemas/job.schema.json": jobSchema,
      "schemas/report.schema.json": jobSchema,
    });
    await generate({ cwd: sandbox.dir, configPath: "pgmq.config.json" });
    const before = await sandbox.snapshot("generated");
    expect(Object.keys(before).length).toBeGreaterThan(0);

    // The config gains a queue and changes another, but one schema is now broken: nothing may move.
    await sandbox.write({
      "pgmq.config.json": jsonConfig({
        email: "job.schema.json",
        report: "report.schema.json",
        extra: "job.schema.json",
      }),
      "schemas/job.schema.json": JSON.stringify({ ...JSON.parse(jobSchema), description: "changed" }),
      "schemas/report.schema.json": '{ "$ref": "#/nowhere" }',
    });
    const error = await generate({ cwd: sandbox.dir, configPath: "pgmq.config.json" }).then(
      () => new Error("generate() succeeded"),
      (caught: unknown) => caught,
    );
    expect(error, String(error)).toBeInstanceOf(CompileError);
    expect((error as Error).message).toMatch(/^schemas\/report\.schema\.json#.*"#\/nowhere"/);
    expect(await sandbox.snapshot("generated")).toEqual(before);
  });

  it("issue 13 #5: compiles an enormous but valid schema (20,000 properties) completely: every property in the payload type and the validator", {
    // A guard against a hang, not a speed check: about 35 s alone on a 2-CPU machine (it took 4 to 6 minutes
    // while emit/validatorModule.ts searched the whole code once per ajv constant, one per property).
    timeout: 240_000,
  }, async () => {
    const sandbox = await createCompilerSandbox("wide");
    sandboxes.push(sandbox);
    await sandbox.write({
      "pgmq.config.json": jsonConfig({ email: "wide.schema.json" }),
      "schemas/wide.schema.json": wideSchema(20_000),
    });
    const result = await generate({ cwd: sandbox.dir, configPath: "pgmq.config.json" });
    const files = ["email.ts", "email.validator.ts", "index.ts"];
    expect([...result.write.written].map(String).sort()).toEqual(files);
    const written = await sandbox.snapshot("generated");
    expect(Object.keys(written).sort()).toEqual(files);
    const fieldsIn = (text: string) => new Set(text.match(/\bfield_\d+\b/g));
    expect(fieldsIn(written["email.ts"]!).size).toBe(20_000);
    expect(fieldsIn(written["email.validator.ts"]!).size).toBe(20_000);
  });
});

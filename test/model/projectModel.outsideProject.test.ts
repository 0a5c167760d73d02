/**
 * Schema files are read only inside the project (the config file's folder) or
 * schemasDir, unless the config opts in; and no error ever quotes a file's
 * bytes, since the file may be one the user never meant to show.
 */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PgmqGenConfig } from "../../src/config/types.js";
import { CompileError } from "../../src/errors.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { createSchemaProject, type SchemaProject } from "./schemaProject.js";

const SECRET = "root:x:0:0:SECRET-CONTENT:/root:/bin/bash";

let outside: SchemaProject;
let project: SchemaProject;
let secretFromSchemas: string;

beforeAll(async () => {
  outside = await createSchemaProject("outside", {
    passwd: `${SECRET}\n`,
    "shared/common.schema.json": { definitions: { id: { type: "string" } } },
    "shared/job.schema.json": { type: "object", properties: { id: { $ref: "common.schema.json#/definitions/id" } } },
  });
  project = await createSchemaProject("inside", {
    "schemas/refs-outside.schema.json": { type: "object", properties: { x: { $ref: "PLACEHOLDER" } } },
    "schemas/ok.schema.json": { type: "object" },
    "schemas/passwd-like.schema.json": `${SECRET}\n`,
    "schemas/unexpected-token.schema.json": '{ "a": tru }',
  });
  secretFromSchemas = path.relative(path.join(project.dir, "schemas"), path.join(outside.dir, "passwd"));
  await writeFile(
    path.join(project.dir, "schemas/refs-outside.schema.json"),
    JSON.stringify({ type: "object", properties: { x: { $ref: `${secretFromSchemas}#/a` } } }),
  );
  await mkdir(path.join(project.dir, "schemas/links"), { recursive: true });
  await symlink(path.join(outside.dir, "passwd"), path.join(project.dir, "schemas/links/passwd.schema.json"));
});
afterAll(async () => {
  await project.remove();
  await outside.remove();
});

async function errorOf(config: PgmqGenConfig): Promise<CompileError> {
  const error = await buildProjectModel(config, project.configPath).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CompileError);
  expect((error as Error).message).not.toContain("SECRET");
  expect((error as Error).message).not.toContain("root:x");
  return error as CompileError;
}

describe("schema files outside the project", () => {
  it("round two #16: refuses a queue's schema path that leaves the project, without reading it", async () => {
    const error = await errorOf({ queues: { job: { schema: secretFromSchemas } } });
    expect(error.location).toMatchObject({ file: "pgmq.config.ts", queue: "job", option: "queues.job.schema" });
    expect(error.problem).toMatch(/is outside the project/);
    expect(error.problem).toMatch(/allowSchemasOutsideProject: true/);
  });

  it("round two #16: refuses a $ref to a file outside the project, at the $ref", async () => {
    const error = await errorOf({ queues: { job: { schema: "refs-outside.schema.json" } } });
    expect(error.location).toMatchObject({ file: "schemas/refs-outside.schema.json", pointer: "/properties/x/$ref" });
    expect(error.problem).toMatch(/is outside the project/);
  });

  it("round two #16: refuses a symlink in schemasDir that points outside the project (the real path is checked)", async () => {
    const error = await errorOf({ queues: { job: { schema: "links/passwd.schema.json" } } });
    expect(error.problem).toMatch(
      /^schema file schemas\/links\/passwd\.schema\.json is a link to a file outside the project/,
    );
  });

  it("round two #16: with allowSchemasOutsideProject the file is read, and the JSON error names line and column, not bytes", async () => {
    const error = await errorOf({ allowSchemasOutsideProject: true, queues: { job: { schema: secretFromSchemas } } });
    expect(error.problem).toMatch(/^not valid JSON at line 1, column 1: unexpected character/);
  });

  it("round two #16: a JSON error never quotes the file, inside the project either", async () => {
    expect((await errorOf({ queues: { job: { schema: "passwd-like.schema.json" } } })).problem).toMatch(
      /not valid JSON at line 1, column 1/,
    );
    expect((await errorOf({ queues: { job: { schema: "unexpected-token.schema.json" } } })).problem).toMatch(
      /not valid JSON at line 1, column 8/,
    );
  });

  it("round two #16: a schemasDir outside the project is the config's own choice: its files and their $refs are read", async () => {
    const schemasDir = path.relative(project.dir, path.join(outside.dir, "shared"));
    const model = await buildProjectModel(
      { schemasDir, queues: { job: { schema: "job.schema.json" } } },
      project.configPath,
    );
    expect(model.queues[0]!.schemaFile).toBe(`${schemasDir.split(path.sep).join("/")}/job.schema.json`);
  });

  it("round two #16: files inside the project but outside schemasDir are still read", async () => {
    const model = await buildProjectModel(
      { schemasDir: "schemas/links", queues: { job: { schema: "../ok.schema.json" } } },
      project.configPath,
    );
    expect(model.queues.map((queue) => queue.key)).toEqual(["job"]);
  });
});

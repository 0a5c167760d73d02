/** A queue's older versions in the model (issue 14 §3): resolved like its schema, names per version, the upgrade module checked. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueueConfig } from "../../src/config/types.js";
import { CompileError } from "../../src/errors.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { createSchemaProject, type SchemaProject } from "./schemaProject.js";

const files = {
  "schemas/common.schema.json": { definitions: { email: { type: "string", format: "email" } } },
  "schemas/signup.v1.schema.json": {
    type: "object",
    properties: { to: { $ref: "common.schema.json#/definitions/email" } },
    required: ["to"],
  },
  "schemas/signup.v2.schema.json": {
    type: "object",
    properties: { to: { type: "array", items: { type: "string" } } },
    required: ["to"],
  },
  "schemas/signup.schema.json": {
    type: "object",
    properties: { to: { type: "array", items: { type: "string" } }, locale: { type: "string" } },
    required: ["to", "locale"],
  },
  "schemas/broken.v1.schema.json": { type: "object", properties: { to: { type: "strin" } } },
  "upgrades/signup.ts": "export default { from1: (job: unknown) => job, from2: (job: unknown) => job };\n",
  "upgrades/named.ts": "export const from1 = (job: unknown) => job;\n",
  "upgrades/reexport.ts": 'export { default } from "./signup.js";\n',
  "upgrades/function.mts": "export default function upgrade() {}\n",
};

let project: SchemaProject;
beforeAll(async () => {
  project = await createSchemaProject("previous-versions", files);
});
afterAll(async () => {
  await project.remove();
});

async function modelOf(queue: QueueConfig) {
  const model = await buildProjectModel({ queues: { signup: queue } }, project.configPath);
  return model.queues[0]!;
}

/** The CompileError building a model for `queue` throws. */
async function errorOf(queue: QueueConfig): Promise<CompileError> {
  const error = await modelOf(queue).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CompileError);
  return error as CompileError;
}

describe("buildProjectModel: previous versions", () => {
  it("issue 14 #3: an unversioned queue is version 1 with backward compatibility and nothing older", async () => {
    const queue = await modelOf({ schema: "signup.schema.json" });
    expect(queue).toMatchObject({
      version: 1,
      compatibility: "backward",
      previousVersions: [],
      upgradeImport: null,
      upgradeFile: null,
    });
  });

  it("issue 14 #3: resolves each older version's schema, bundled, oldest first, with its own names", async () => {
    const queue = await modelOf({
      schema: "signup.schema.json",
      version: 3,
      compatibility: "full",
      previous: { 2: "signup.v2.schema.json", 1: "signup.v1.schema.json" },
      upgrade: "./upgrades/signup.ts",
    });
    expect(queue.version).toBe(3);
    expect(queue.compatibility).toBe("full");
    expect(queue.upgradeImport).toBe("../upgrades/signup.js");
    // As the generated docs name it: relative to the config file, as a config writes a module path.
    expect(queue.upgradeFile).toBe("./upgrades/signup.ts");
    expect(queue.previousVersions.map(({ version, schemaFile, names }) => ({ version, schemaFile, names }))).toEqual([
      {
        version: 1,
        schemaFile: "schemas/signup.v1.schema.json",
        names: { job: "SignupJobV1", validator: "validateSignupJobV1", file: "signup.v1" },
      },
      {
        version: 2,
        schemaFile: "schemas/signup.v2.schema.json",
        names: { job: "SignupJobV2", validator: "validateSignupJobV2", file: "signup.v2" },
      },
    ]);
    // Bundled: version 1's cross-file $ref is inside its own document now.
    expect(JSON.stringify(queue.previousVersions[0]!.schema)).not.toContain("common.schema.json");
    const outcome = await queue.previousVersions[0]!.validatorSource;
    expect(outcome.ok).toBe(true);
  });

  it("issue 14 #3: an inline older schema is resolved too", async () => {
    const queue = await modelOf({
      schema: "signup.schema.json",
      version: 2,
      previous: { 1: { type: "object", required: ["to"] } },
      upgrade: "./upgrades/signup.ts",
    });
    expect(queue.previousVersions[0]).toMatchObject({ version: 1, schemaFile: null });
  });

  it("issue 14 #3: an older version's invalid schema is reported at its file", async () => {
    const error = await errorOf({
      schema: "signup.schema.json",
      version: 2,
      previous: { 1: "broken.v1.schema.json" },
      upgrade: "./upgrades/signup.ts",
    });
    expect(error.location).toMatchObject({ file: "schemas/broken.v1.schema.json", queue: "signup" });
    expect(error.message).toContain("/properties/to/type");
  });

  it("issue 14 #3: a missing older schema file names the previous option", async () => {
    const error = await errorOf({
      schema: "signup.schema.json",
      version: 2,
      previous: { 1: "nowhere.v1.schema.json" },
      upgrade: "./upgrades/signup.ts",
    });
    expect(error.location).toMatchObject({ queue: "signup", option: "queues.signup.previous.1" });
    expect(error.message).toContain("nowhere.v1.schema.json");
  });

  /** The module as the config names it, and the specifier generated code imports (null: generate fails). */
  const upgradeModules: [name: string, upgrade: string, specifier: string | null][] = [
    ["an object as default export", "./upgrades/signup.ts", "../upgrades/signup.js"],
    ["a specifier without its extension", "./upgrades/signup", "../upgrades/signup.js"],
    ["a .js specifier for a .ts source", "./upgrades/signup.js", "../upgrades/signup.js"],
    ["a re-exported default", "./upgrades/reexport.ts", "../upgrades/reexport.js"],
    ["a default function in a .mts file", "./upgrades/function.mts", "../upgrades/function.mjs"],
    ["named exports only", "./upgrades/named.ts", null],
    ["a module that does not exist", "./upgrades/missing.ts", null],
  ];
  it.each(upgradeModules)("issue 14 #3: upgrade module with %s", async (_name, upgrade, specifier) => {
    const queue: QueueConfig = {
      schema: "signup.schema.json",
      version: 2,
      previous: { 1: "signup.v1.schema.json" },
      upgrade,
    };
    if (specifier !== null) {
      expect((await modelOf(queue)).upgradeImport).toBe(specifier);
      return;
    }
    const error = await errorOf(queue);
    expect(error.location).toMatchObject({ queue: "signup", option: "queues.signup.upgrade" });
    expect(error.message).toContain(JSON.stringify(upgrade));
    expect(error.message).toContain("from1");
    expect(error.message).toMatch(/does not exist|has no default export/);
  });

  it("issue 14 #3: the upgrade module is checked again on the next build (a default export added later is found)", async () => {
    const later = path.join(project.dir, "upgrades", "later.ts");
    await writeFile(later, "export const nothing = 1;\n");
    const queue: QueueConfig = {
      schema: "signup.schema.json",
      version: 2,
      previous: { 1: "signup.v1.schema.json" },
      upgrade: "./upgrades/later.ts",
    };
    expect((await errorOf(queue)).message).toContain("has no default export");
    await writeFile(later, "const steps = { from1: (job: unknown) => job };\nexport default steps;\n");
    expect((await modelOf(queue)).upgradeImport).toBe("../upgrades/later.js");
  });
});

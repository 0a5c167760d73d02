import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { CompileError } from "../../src/errors.js";
import { createTempProject, type TempProject } from "./tempProject.js";

const projects: TempProject[] = [];
afterAll(async () => {
  for (const project of projects) await project.remove();
});

async function project(files: Record<string, string>): Promise<TempProject> {
  const created = await createTempProject("load", files);
  projects.push(created);
  return created;
}

const queues = (schema: string) => `{ queues: { email: { schema: "${schema}" } } }`;

describe("loadConfig", () => {
  const formats: [name: string, files: Record<string, string>, file: string][] = [
    [
      ".ts importing another local .ts file",
      {
        "pgmq.config.ts": `import { emailQueue } from "./queues/email.js";\nconst config: { queues: Record<string, unknown> } = { queues: { email: emailQueue } };\nexport default config;\n`,
        "queues/email.ts": `export const emailQueue: { schema: string } = { schema: "from-ts" };\n`,
      },
      "pgmq.config.ts",
    ],
    [
      ".mts",
      { "pgmq.config.mts": `const schema: string = "from-mts";\nexport default ${queues("from-mts")};\n` },
      "pgmq.config.mts",
    ],
    [
      ".cts",
      { "pgmq.config.cts": `const config: object = ${queues("from-cts")};\nexport = config;\n` },
      "pgmq.config.cts",
    ],
    [".js (ESM package)", { "pgmq.config.js": `export default ${queues("from-js")};\n` }, "pgmq.config.js"],
    [
      ".mjs",
      {
        "pgmq.config.mjs": `import { schema } from "./schema-name.mjs";\nexport default { queues: { email: { schema } } };\n`,
        "schema-name.mjs": `export const schema = "from-mjs";\n`,
      },
      "pgmq.config.mjs",
    ],
    [".cjs", { "pgmq.config.cjs": `module.exports = ${queues("from-cjs")};\n` }, "pgmq.config.cjs"],
    [
      ".json",
      { "pgmq.config.json": JSON.stringify({ queues: { email: { schema: "from-json" } } }) },
      "pgmq.config.json",
    ],
    [
      'package.json "pgmq" key',
      { "package.json": JSON.stringify({ name: "app", pgmq: { queues: { email: { schema: "from-package-json" } } } }) },
      "package.json",
    ],
    [
      "named exports when there is no default export",
      { "pgmq.config.ts": `export const queues = { email: { schema: "from-named" } };\n` },
      "pgmq.config.ts",
    ],
  ];

  it.each(formats)("loads %s", async (_name, files, file) => {
    const dir = await project(files);
    const loaded = await loadConfig({ cwd: dir.dir });
    expect(loaded.filePath).toBe(dir.path(file));
    expect(loaded.displayPath).toBe(file);
    const config = loaded.config as { queues: { email: { schema: string } } };
    expect(Object.keys(config)).toEqual(["queues"]);
    expect(config.queues.email.schema).toMatch(/^from-/);
  });

  it("prefers pgmq.config.ts over package.json", async () => {
    const dir = await project({
      "pgmq.config.ts": `export default ${queues("from-ts")};\n`,
      "package.json": JSON.stringify({ name: "app", pgmq: { queues: { email: { schema: "from-package-json" } } } }),
    });
    const loaded = await loadConfig({ cwd: dir.dir });
    expect(loaded.displayPath).toBe("pgmq.config.ts");
  });

  it("loads the file --config names, relative to cwd, instead of searching", async () => {
    const dir = await project({
      "pgmq.config.ts": `export default ${queues("searched")};\n`,
      "config/queues.config.ts": `export default ${queues("explicit")};\n`,
    });
    const loaded = await loadConfig({ cwd: dir.dir, configPath: "config/queues.config.ts" });
    expect(loaded.filePath).toBe(dir.path("config/queues.config.ts"));
    expect((loaded.config as { queues: { email: { schema: string } } }).queues.email.schema).toBe("explicit");
  });

  it("loads an edited config and its edited imports again (for --watch)", async () => {
    const dir = await project({
      "pgmq.config.ts": `import { schema } from "./name.js";\nexport default { queues: { email: { schema } } };\n`,
      "name.ts": `export const schema = "first";\n`,
    });
    const first = await loadConfig({ cwd: dir.dir });
    await dir.write("name.ts", `export const schema = "second";\n`);
    const second = await loadConfig({ cwd: dir.dir });
    expect((first.config as { queues: { email: { schema: string } } }).queues.email.schema).toBe("first");
    expect((second.config as { queues: { email: { schema: string } } }).queues.email.schema).toBe("second");
  });

  const failures: [name: string, files: Record<string, string>, configPath: string | undefined, fragments: string[]][] =
    [
      [
        "no config at all",
        { "readme.txt": "nothing here" },
        undefined,
        ["no pgmq-gen config found", "pgmq.config.ts", "--config"],
      ],
      ["a --config path that does not exist", {}, "missing.config.ts", ["missing.config.ts", "config file not found"]],
      [
        "a module without a default export",
        { "pgmq.config.ts": `export const somethingElse = 1;\n` },
        undefined,
        ["pgmq.config.ts", "no default export"],
      ],
      ["an empty module", { "pgmq.config.mjs": `// nothing\n` }, undefined, ["pgmq.config.mjs", "no default export"]],
      [
        "a syntax error",
        { "pgmq.config.ts": `export default { queues: {\n` },
        undefined,
        ["pgmq.config.ts", "cannot load the config"],
      ],
      [
        "a missing local import",
        { "pgmq.config.ts": `import { x } from "./nowhere.js";\nexport default x;\n` },
        undefined,
        ["pgmq.config.ts", "cannot load the config", "nowhere"],
      ],
      [
        "invalid JSON",
        { "pgmq.config.json": `{ "queues": ` },
        undefined,
        ["pgmq.config.json", "cannot load the config"],
      ],
    ];

  it.each(failures)("reports %s as a CompileError", async (_name, files, configPath, fragments) => {
    const dir = await project(files);
    const error = await loadConfig({ cwd: dir.dir, ...(configPath !== undefined ? { configPath } : {}) }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(CompileError);
    for (const fragment of fragments) expect((error as CompileError).message).toContain(fragment);
  });
});

/**
 * Every failing run ends the process with its exit code: nothing the compiler
 * started (its compiler threads above all) may keep the event loop alive, or a
 * CI job hangs after printing the error. The cache is cold in each run (a
 * project without one, or --no-cache), so the compiler threads are started.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TempProject } from "../config/tempProject.js";
import { createFixtureProject } from "./fixtureProject.js";
import { runCli } from "./runCli.js";

const projects: TempProject[] = [];
afterAll(async () => {
  for (const project of projects) await project.remove();
});

/** Far below the test timeout (60 s): a CLI that does not exit by then is hanging, and the test fails instead of timing out. */
const EXIT_WITHIN_MS = 20_000;

/** A schema nested deeper than the depth check allows (MAX_SCHEMA_DEPTH). */
function tooDeepSchema(): string {
  let schema: object = { type: "string" };
  for (let level = 0; level < 300; level++) schema = { type: "object", properties: { a: schema } };
  return JSON.stringify(schema);
}

/** One queue: with a second, healthy one, its finished compilation would hide the bug. */
const oneQueue = (schema: string) => `export default { queues: { email: { schema: ${JSON.stringify(schema)} } } };\n`;

const brokenInputs: [name: string, files: Record<string, string>, message: RegExp][] = [
  [
    "a missing schema file",
    { "pgmq.config.ts": oneQueue("missing.schema.json") },
    /schemas\/missing\.schema\.json does not exist/,
  ],
  [
    "a schema file that is not JSON",
    { "pgmq.config.ts": oneQueue("email.schema.json"), "schemas/email.schema.json": '{ "type": "object", }' },
    /not valid JSON at line 1/,
  ],
  [
    "a schema nested too deeply",
    { "pgmq.config.ts": oneQueue("email.schema.json"), "schemas/email.schema.json": tooDeepSchema() },
    /nested more than \d+ levels deep/,
  ],
];

describe("pgmq-gen exits on errors", () => {
  for (const [name, files, message] of brokenInputs) {
    for (const args of [["--no-cache"], ["--check", "--no-cache"], []]) {
      it(`round two #8: exits 1 with the error for ${name} (${args.join(" ") || "cold cache"})`, async () => {
        const project = await createFixtureProject("cli-exit", files);
        projects.push(project);
        const run = await runCli(args, { cwd: project.dir, timeoutMs: EXIT_WITHIN_MS });
        expect(run.timedOut).toBe(false);
        expect(run.code).toBe(1);
        expect(run.stderr).toMatch(message);
      });
    }
  }
});

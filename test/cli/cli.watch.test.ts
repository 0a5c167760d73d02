import type { ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TempProject } from "../config/tempProject.js";
import { createFixtureProject, emailSchema } from "./fixtureProject.js";
import { startCli } from "./runCli.js";

const projects: TempProject[] = [];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  for (const project of projects) await project.remove();
});

/** Polls `condition` every 100 ms until it holds; fails with `what` after `timeoutMs`. */
async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The text of every generated file, concatenated. */
async function generatedText(project: TempProject): Promise<string> {
  const folder = project.path("generated");
  const files = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
  const texts = await Promise.all(
    files.filter((file) => file.endsWith(".ts")).map((file) => readFile(path.join(folder, file), "utf8")),
  );
  return texts.join("\n");
}

const withProperties = (...names: string[]) =>
  JSON.stringify(
    {
      ...emailSchema,
      properties: { ...emailSchema.properties, ...Object.fromEntries(names.map((name) => [name, { type: "string" }])) },
    },
    null,
    2,
  );
const withProperty = (name: string) => withProperties(name);

describe("pgmq-gen --watch", () => {
  it("regenerates when a schema changes, prints errors (a breaking change too) and keeps watching, and stops on SIGTERM", async () => {
    const project = await createFixtureProject("cli-watch");
    projects.push(project);
    const child = startCli(["--watch"], { cwd: project.dir });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

    await waitFor("the first run and the watching line", () => /watching .*schemas/.test(stdout));
    expect(stdout).toMatch(/^pgmq-gen: 2 queues, \d+ files written, 0 unchanged, 0 removed \(\d+ ms\)\n/);
    expect(await generatedText(project)).not.toContain("carbonCopy");

    await project.write("schemas/email.schema.json", withProperty("carbonCopy"));
    await waitFor("the edited schema to reach generated/", async () =>
      (await generatedText(project)).includes("carbonCopy"),
    );

    await project.write("schemas/email.schema.json", `{ "type": "object", `);
    await waitFor("the schema error on stderr", () => /^error: .*email\.schema\.json/m.test(stderr));
    expect(child.exitCode).toBeNull();

    // Dropping carbonCopy from the closed schema would reject queued messages that have it: pgmq.lock.json refuses.
    await project.write("schemas/email.schema.json", withProperty("blindCopy"));
    await waitFor("the breaking change error on stderr", () =>
      /^error: schemas\/email\.schema\.json \(queue "email"\): breaking change .*\/properties\/carbonCopy/m.test(
        stderr,
      ),
    );
    expect(child.exitCode).toBeNull();
    expect(await generatedText(project)).not.toContain("blindCopy");

    await project.write("schemas/email.schema.json", withProperties("carbonCopy", "blindCopy"));
    await waitFor("the fixed schema to reach generated/", async () =>
      (await generatedText(project)).includes("blindCopy"),
    );
    expect(await generatedText(project)).toContain("carbonCopy");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

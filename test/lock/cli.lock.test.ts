/**
 * pgmq.lock.json through the `pgmq-gen` executable (issue 14 §2): `--check`
 * fails on a missing or stale lock and on a breaking change, and
 * `--write-previous` prints each file it writes.
 */
import { rm } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import type { TempProject } from "../config/tempProject.js";
import { createFixtureProject, emailSchema } from "../cli/fixtureProject.js";
import { runCli } from "../cli/runCli.js";

const projects: TempProject[] = [];
afterAll(async () => {
  for (const project of projects) await project.remove();
});

const withRequiredCc = `${JSON.stringify(
  {
    ...emailSchema,
    properties: { ...emailSchema.properties, cc: { type: "string" } },
    required: [...emailSchema.required, "cc"],
  },
  null,
  2,
)}\n`;

describe("pgmq-gen and pgmq.lock.json", () => {
  it("issue 14 #2: --check exits 1 listing pgmq.lock.json when it is stale or missing, and on a breaking change", async () => {
    const project = await createFixtureProject("lock-cli-check");
    projects.push(project);
    const first = await runCli([], { cwd: project.dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("pgmq-gen: pgmq.lock.json: recorded email, resize_image\n");
    expect((await runCli(["--check"], { cwd: project.dir })).code).toBe(0);

    const written = await project.read("pgmq.lock.json");
    await project.write("pgmq.lock.json", `${JSON.stringify(JSON.parse(written), null, 4)}\n`);
    const stale = await runCli(["--check"], { cwd: project.dir });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toBe("pgmq-gen: 1 generated file out of date; run pgmq-gen to update:\n  pgmq.lock.json\n");

    await rm(project.path("pgmq.lock.json"));
    const missing = await runCli(["--check"], { cwd: project.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("pgmq-gen: 1 generated file out of date; run pgmq-gen to update:\n  pgmq.lock.json\n");
    await expect(project.read("pgmq.lock.json")).rejects.toMatchObject({ code: "ENOENT" });

    await project.write("pgmq.lock.json", written);
    await project.write("schemas/email.schema.json", withRequiredCc);
    const breaking = await runCli(["--check"], { cwd: project.dir });
    expect(breaking.code).toBe(1);
    expect(breaking.stdout).toBe("");
    expect(breaking.stderr).toMatch(
      /^error: schemas\/email\.schema\.json \(queue "email"\): breaking change to version 1 of the payload schema, compared with pgmq\.lock\.json .*\/required: \(none\) → "cc" .*Nothing was written\. Either make the change backward compatible, or bump queues\.email\.version to 2.*\n$/,
    );
    expect(await project.read("pgmq.lock.json")).toBe(written);
  });

  it("issue 14 #2: --write-previous prints each schema file it writes from the lock, then generates", async () => {
    const project = await createFixtureProject("lock-cli-write-previous");
    projects.push(project);
    expect((await runCli([], { cwd: project.dir })).code).toBe(0);
    await project.write("schemas/email.schema.json", withRequiredCc);
    await project.write("upgrades/email.ts", "export default { from1: (job: object) => ({ ...job, cc: '' }) };\n");
    await project.write(
      "pgmq.config.ts",
      `export default {
  queues: {
    email: { schema: "email.schema.json", version: 2, previous: { 1: "email.v1.schema.json" }, upgrade: "./upgrades/email.ts" },
    resize_image: { schema: "resize.schema.json" },
  },
};
`,
    );
    const run = await runCli(["--write-previous"], { cwd: project.dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      'pgmq-gen: wrote schemas/email.v1.schema.json: version 1 of queue "email", from pgmq.lock.json',
    );
    expect(lines[1]).toMatch(/^pgmq-gen: 2 queues, \d+ files written/);
    expect(lines[2]).toBe("pgmq-gen: pgmq.lock.json: updated email");
    expect(JSON.parse(await project.read("schemas/email.v1.schema.json"))).toEqual(emailSchema);
  });
});

/**
 * Version bumps against pgmq.lock.json (issue 14 §2): the version the lock
 * holds must be kept in `previous`, `writePrevious` (`--write-previous`)
 * writes its file from the lock, a shipped version's schema must not change
 * incompatibly, and versions never go down.
 */
import { readFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { createLockProject, emailV1, emailWith, json, type LockProject } from "./lockProject.js";

const projects: LockProject[] = [];
afterAll(async () => {
  for (const project of projects) await project.remove();
});

const upgradeModule = "export default { from1: (job: { to: string }) => ({ ...job, cc: '' }) };\n";
const bumped = {
  email: {
    schema: "email.schema.json",
    version: 2,
    previous: { 1: "email.v1.schema.json" },
    upgrade: "./upgrades/email.ts",
  },
};

/** A project whose lock holds version 1 of email, whose schema then became a breaking version 2. */
async function shippedProject(label: string): Promise<LockProject> {
  const project = await createLockProject(label, { email: { schema: "email.schema.json" } });
  projects.push(project);
  await project.generate();
  await project.write("schemas/email.schema.json", json(emailWith(["cc"], ["cc"])));
  await project.write("upgrades/email.ts", upgradeModule);
  return project;
}

describe("generate() after a version bump", () => {
  it("issue 14 #2: a bump without the locked version in previous is refused, naming the file to add and --write-previous", async () => {
    const project = await shippedProject("bump-missing");
    await project.configure({ email: { schema: "email.schema.json", version: 2 } });
    const before = await project.files();
    const [error, ...more] = await project.generateErrors();
    expect(more).toEqual([]);
    expect(error!.location).toEqual({ file: "pgmq.config.json", queue: "email", option: "queues.email.previous" });
    expect(error!.problem).toMatch(
      /^version 2 replaces version 1 recorded in pgmq\.lock\.json, but previous does not keep version 1: /,
    );
    expect(error!.problem).toContain('Add previous: { 1: "email.v1.schema.json" }');
    expect(error!.problem).toContain(
      "`pgmq-gen --write-previous` writes schemas/email.v1.schema.json from pgmq.lock.json",
    );
    expect(await project.files()).toEqual(before);
  });

  it("issue 14 #2: --write-previous writes the missing previous file from the lock, then generates; without it the missing file is an error saying so", async () => {
    const project = await shippedProject("write-previous");
    await project.configure(bumped);
    const lockedV1 = (await project.lock()).queues.email?.schemas["1"];

    const [missing] = await project.generateErrors();
    expect(missing!.message).toBe(
      'pgmq.config.json (queue "email", option queues.email.previous.1): schema file schemas/email.v1.schema.json does not exist; pgmq.lock.json holds version 1\'s schema: run `pgmq-gen --write-previous` to write the file from it',
    );

    const told: string[] = [];
    const result = await project.generate({ writePrevious: true, logger: { info: (message) => told.push(message) } });
    expect(told).toEqual(['wrote schemas/email.v1.schema.json: version 1 of queue "email", from pgmq.lock.json']);
    expect(result.lock).toMatchObject({
      written: true,
      updated: ["email"],
      previousWritten: ["schemas/email.v1.schema.json"],
    });
    expect(await project.read("schemas/email.v1.schema.json")).toBe(json(lockedV1));
    const lock = await project.lock();
    expect(lock.queues.email?.version).toBe(2);
    expect(lock.queues.email?.schemas).toEqual({ 1: lockedV1, 2: expect.objectContaining({ required: ["to", "cc"] }) });

    // Never overwrites: a file that exists is left as it is, even one that differs from the lock.
    const edited = { ...emailV1, description: "Version 1, as it shipped." };
    await project.write("schemas/email.v1.schema.json", json(edited));
    const again = await project.generate({ writePrevious: true, logger: { info: (message) => told.push(message) } });
    expect(again.lock.previousWritten).toEqual([]);
    expect(told).toHaveLength(1);
    expect(await readFile(project.path("schemas/email.v1.schema.json"), "utf8")).toBe(json(edited));
  });

  it("issue 14 #2: check cannot be combined with writePrevious", async () => {
    const project = await shippedProject("check-write-previous");
    await expect(project.generate({ check: true, writePrevious: true })).rejects.toThrow(TypeError);
  });

  it("issue 14 #2: editing a shipped version's schema in previous incompatibly is refused; a compatible edit is recorded", async () => {
    const project = await shippedProject("shipped-edited");
    await project.configure(bumped);
    await project.generate({ writePrevious: true });

    await project.write("schemas/email.v1.schema.json", json({ ...emailV1, required: ["to", "subject"] }));
    const before = await project.files();
    const [error, ...more] = await project.generateErrors();
    expect(more).toEqual([]);
    expect(error!.location).toEqual({ file: "schemas/email.v1.schema.json", queue: "email" });
    expect(error!.problem).toMatch(
      /^version 1's schema changed since pgmq\.lock\.json recorded it, and the change is breaking/,
    );
    expect(error!.problem).toContain('/required: (none) → "subject"');
    expect(error!.problem).toContain(
      "delete schemas/email.v1.schema.json and run `pgmq-gen --write-previous`, which writes it again from pgmq.lock.json",
    );
    expect(await project.files()).toEqual(before);

    await project.write("schemas/email.v1.schema.json", json({ ...emailV1, description: "As it shipped." }));
    expect((await project.generate()).lock).toMatchObject({ updated: ["email"] });
  });

  it("issue 14 #2: the version never goes down; deleting the queue's lock entry on purpose starts it over", async () => {
    const project = await shippedProject("version-down");
    await project.configure(bumped);
    await project.generate({ writePrevious: true });

    await project.configure({ email: { schema: "email.schema.json", version: 1 } });
    const [error, ...more] = await project.generateErrors();
    expect(more).toEqual([]);
    expect(error!.location).toEqual({ file: "pgmq.config.json", queue: "email", option: "queues.email.version" });
    expect(error!.problem).toMatch(
      /^version 1 is lower than version 2 recorded in pgmq\.lock\.json: versions never go down/,
    );
    expect(error!.problem).toContain('delete its entry ("email" under "queues") from pgmq.lock.json');

    await project.write("pgmq.lock.json", json({ lockfileVersion: 1, queues: {} }));
    expect((await project.generate()).lock).toMatchObject({ recorded: ["email"] });
    expect((await project.lock()).queues.email?.version).toBe(1);
  });

  it("issue 14 #2: versions dropped from previous are dropped from the lock", async () => {
    const project = await shippedProject("retired");
    await project.configure(bumped);
    await project.generate({ writePrevious: true });
    expect(Object.keys((await project.lock()).queues.email!.schemas)).toEqual(["1", "2"]);

    await project.configure({ email: { schema: "email.schema.json", version: 2 } });
    expect((await project.generate()).lock).toMatchObject({ updated: ["email"] });
    expect(Object.keys((await project.lock()).queues.email!.schemas)).toEqual(["2"]);
  });
});

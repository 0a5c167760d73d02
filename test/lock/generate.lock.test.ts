/**
 * generate() and pgmq.lock.json (issue 14 §2): what the first run records,
 * that the bytes are deterministic, and which schema changes the lock lets
 * through under each compatibility mode. Each refusal writes nothing.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { createLockProject, emailV1, emailWith, json, type LockProject } from "./lockProject.js";

const projects: LockProject[] = [];
afterAll(async () => {
  for (const project of projects) await project.remove();
});

async function project(...args: Parameters<typeof createLockProject>): Promise<LockProject> {
  const created = await createLockProject(...args);
  projects.push(created);
  return created;
}

/** The same JSON with every object's keys in reverse order, at every depth. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .reverse()
      .map((key) => [key, reversedKeys((value as Record<string, unknown>)[key])]),
  );
}

const resizeInline = {
  type: "object",
  description: "A picture to resize.",
  properties: { width: { type: "integer", minimum: 1 }, url: { type: "string" } },
  required: ["url", "width"],
};

describe("generate() and pgmq.lock.json", () => {
  it("issue 14 #2: the first run records each queue's version and normalised schema beside the config; a second run changes nothing", async () => {
    const lockProject = await project("first", {
      resize: { schema: resizeInline },
      email: { schema: "email.schema.json" },
    });
    const first = await lockProject.generate();
    expect(first.lock).toEqual({
      path: lockProject.path("pgmq.lock.json"),
      written: true,
      stale: false,
      recorded: ["email", "resize"],
      updated: [],
      removed: [],
      previousWritten: [],
    });
    // Queues by key, keys sorted at every depth (annotations kept), 2-space JSON, a final newline.
    expect(await lockProject.lockText()).toBe(
      json({
        lockfileVersion: 1,
        queues: {
          email: {
            version: 1,
            schemas: {
              1: {
                additionalProperties: false,
                properties: { subject: { type: "string" }, to: { type: "string" } },
                required: ["to"],
                type: "object",
              },
            },
          },
          resize: {
            version: 1,
            schemas: {
              1: {
                description: "A picture to resize.",
                properties: { url: { type: "string" }, width: { minimum: 1, type: "integer" } },
                required: ["url", "width"],
                type: "object",
              },
            },
          },
        },
      }),
    );

    const second = await lockProject.generate();
    expect(second.lock).toMatchObject({ written: false, recorded: [], updated: [], removed: [] });
    expect((await lockProject.generate({ check: true })).lock).toMatchObject({ written: false, stale: false });
  });

  it("issue 14 #2: the same input gives the same bytes: two runs, and schema files and config with their keys shuffled", async () => {
    const common = { definitions: { address: { type: "object", properties: { street: { type: "string" } } } } };
    const shipping = {
      type: "object",
      properties: { from: { $ref: "common.schema.json#/definitions/address" }, note: { type: "string" } },
      required: ["from"],
    };
    const queues = {
      email: { schema: "email.schema.json", maxRetries: 2 },
      shipping: { schema: "shipping.schema.json" },
    };
    const files = {
      "schemas/email.schema.json": emailV1,
      "schemas/shipping.schema.json": shipping,
      "schemas/common.schema.json": common,
    };
    const ordered = await project("bytes-a", queues, files);
    await ordered.generate();
    const text = await ordered.lockText();
    await ordered.generate({ cache: false });
    expect(await ordered.lockText()).toBe(text);

    const shuffled = await project(
      "bytes-b",
      reversedKeys(queues) as Record<string, unknown>,
      Object.fromEntries(Object.entries(files).map(([name, schema]) => [name, reversedKeys(schema) as object])),
    );
    expect(await shuffled.read("schemas/email.schema.json")).not.toBe(await ordered.read("schemas/email.schema.json"));
    await shuffled.generate();
    expect(await shuffled.lockText()).toBe(text);
  });

  it("issue 14 #2: a compatible change (an optional property) is recorded: the lock is updated", async () => {
    const lockProject = await project("compatible", { email: { schema: "email.schema.json" } });
    await lockProject.generate();
    await lockProject.write("schemas/email.schema.json", json(emailWith(["cc"])));
    const result = await lockProject.generate();
    expect(result.lock).toMatchObject({ written: true, recorded: [], updated: ["email"] });
    const lock = await lockProject.lock();
    expect(lock.queues.email).toMatchObject({ version: 1, schemas: { 1: { properties: { cc: { type: "string" } } } } });
  });

  it("issue 14 #2: a breaking change (a required property added) is refused: the error names queue, file, pointer and old → new, and nothing is written", async () => {
    const lockProject = await project("breaking", { email: { schema: "email.schema.json" } });
    await lockProject.generate();
    await lockProject.write("schemas/email.schema.json", json(emailWith(["cc"], ["cc"])));
    const before = await lockProject.files();

    for (const check of [false, true]) {
      const errors = await lockProject.generateErrors({ check });
      expect(errors).toHaveLength(1);
      const [error] = errors;
      expect(error!.location).toEqual({ file: "schemas/email.schema.json", queue: "email" });
      expect(error!.message).toMatch(
        /^schemas\/email\.schema\.json \(queue "email"\): breaking change to version 1 of the payload schema, compared with pgmq\.lock\.json \(compatibility "backward": /,
      );
      expect(error!.problem).toContain('/required: (none) → "cc" (property "cc" became required');
      expect(error!.problem).toContain("Nothing was written.");
      expect(error!.problem).toContain("Either make the change backward compatible, or bump queues.email.version to 2");
      expect(error!.problem).toContain('previous: { 1: "email.v1.schema.json" }');
      expect(error!.problem).toContain("`pgmq-gen --write-previous`");
    }
    // Generated files and lock byte for byte as they were; no temp file left either.
    expect(await lockProject.files()).toEqual(before);
  });

  it('issue 14 #2: compatibility "none" lets the same breaking change through, and the lock records it', async () => {
    const lockProject = await project("none", { email: { schema: "email.schema.json", compatibility: "none" } });
    await lockProject.generate();
    await lockProject.write("schemas/email.schema.json", json(emailWith(["cc"], ["cc"])));
    expect((await lockProject.generate()).lock).toMatchObject({ written: true, updated: ["email"] });
    expect((await lockProject.lock()).queues.email?.schemas["1"]).toMatchObject({ required: ["to", "cc"] });
  });

  it('issue 14 #2: compatibility "forward" refuses a property added to a closed schema (old workers reject it) and lets a property become required', async () => {
    const lockProject = await project(
      "forward",
      { email: { schema: "email.schema.json", compatibility: "forward" } },
      { "schemas/email.schema.json": emailWith(["cc"]) },
    );
    await lockProject.generate();

    await lockProject.write("schemas/email.schema.json", json(emailWith(["cc", "bcc"])));
    const [error, ...more] = await lockProject.generateErrors();
    expect(more).toEqual([]);
    expect(error!.problem).toMatch(/^breaking change to version 1 .*\(compatibility "forward": /);
    expect(error!.problem).toContain('/properties/bcc: (none) → {"type":"string"}');
    expect(error!.problem).toContain("Either make the change forward compatible");

    await lockProject.write("schemas/email.schema.json", json(emailWith(["cc"], ["cc"])));
    expect((await lockProject.generate()).lock).toMatchObject({ updated: ["email"] });
  });

  it("issue 14 #2: every queue is checked and every problem reported together", async () => {
    const lockProject = await project(
      "several",
      { email: { schema: "email.schema.json" }, notify: { schema: "notify.schema.json" } },
      { "schemas/email.schema.json": emailV1, "schemas/notify.schema.json": emailV1 },
    );
    await lockProject.generate();
    await lockProject.write("schemas/email.schema.json", json(emailWith([], ["subject"])));
    await lockProject.write(
      "schemas/notify.schema.json",
      json({ ...emailV1, properties: { to: { type: "integer" } } }),
    );
    const errors = await lockProject.generateErrors();
    expect(errors.map((error) => [error.location.queue, error.location.file])).toEqual([
      ["email", "schemas/email.schema.json"],
      ["notify", "schemas/notify.schema.json"],
    ]);
    expect(errors[1]!.problem).toContain("/properties/to/type");
    expect(errors[1]!.problem).toContain("/properties/subject: ");
  });

  it("issue 14 #2: a change inside a $ref'd file is checked too: the lock holds bundled schemas", async () => {
    const common = {
      definitions: {
        address: { type: "object", properties: { street: { type: "string" }, zip: { type: "string" } } },
      },
    };
    const shipping = {
      type: "object",
      properties: { to: { $ref: "common.schema.json#/definitions/address" } },
      required: ["to"],
    };
    const lockProject = await project(
      "cross-file",
      { shipping: { schema: "shipping.schema.json" } },
      { "schemas/shipping.schema.json": shipping, "schemas/common.schema.json": common },
    );
    await lockProject.generate();
    // The lock holds the referenced definition inlined, with no trace of the other file.
    const recorded = JSON.stringify((await lockProject.lock()).queues.shipping);
    expect(recorded).toContain('"zip"');
    expect(recorded).not.toContain("common.schema.json");

    const address = common.definitions.address;
    await lockProject.write(
      "schemas/common.schema.json",
      json({ definitions: { address: { ...address, required: ["zip"] } } }),
    );
    const [error] = await lockProject.generateErrors();
    expect(error!.location).toEqual({ file: "schemas/shipping.schema.json", queue: "shipping" });
    expect(error!.problem).toContain('/properties/to/required: (none) → "zip"');
  });

  it("issue 14 #2: a queue removed from the config is dropped from the lock", async () => {
    const lockProject = await project("removed", {
      email: { schema: "email.schema.json" },
      notify: { schema: "email.schema.json" },
    });
    await lockProject.generate();
    await lockProject.configure({ email: { schema: "email.schema.json" } });
    expect((await lockProject.generate()).lock).toMatchObject({ written: true, removed: ["notify"], updated: [] });
    expect(Object.keys((await lockProject.lock()).queues)).toEqual(["email"]);
  });

  it("issue 14 #2: a warm build cache that holds every artifact of the new schema still checks the lock", async () => {
    const breaking = emailWith(["cc"], ["cc"]);
    const lockProject = await project(
      "cache",
      { email: { schema: "email.schema.json" }, notify: { schema: "notify.schema.json" } },
      { "schemas/email.schema.json": emailV1, "schemas/notify.schema.json": breaking },
    );
    await lockProject.generate();
    // Every validator and type email will need is now cached, under notify's schema.
    expect((await lockProject.generate()).write.written).toEqual([]);
    await writeFile(lockProject.path("schemas/email.schema.json"), json(breaking));
    const [error] = await lockProject.generateErrors();
    expect(error!.problem).toContain('/required: (none) → "cc"');
  });

  it("issue 14 #5: a pgmq.lock.json that cannot be read (a folder) is a CompileError naming the file, not an unexpected error", async () => {
    const lockProject = await project("unreadable", { email: { schema: "email.schema.json" } });
    await mkdir(lockProject.path("pgmq.lock.json"));
    const [error, ...more] = await lockProject.generateErrors();
    expect(more).toEqual([]);
    expect(error!.location.file).toBe("pgmq.lock.json");
    expect(error!.problem).toMatch(/^cannot read it: EISDIR/);
  });
});

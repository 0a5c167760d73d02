/** The schema-evolution options of a queue (issue 14): compatibility, version, previous, upgrade. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/validate.js";
import { type CompileError, CompileErrors } from "../../src/errors.js";

const configFile = path.resolve("/project/pgmq.config.ts");
const file = "pgmq.config.ts";

function errorsOf(options: Record<string, unknown>): CompileError[] {
  const config = { queues: { signup_email: { schema: "signup-email.schema.json", ...options } } };
  try {
    validateConfig(config, configFile, { displayPath: file });
  } catch (error) {
    expect(error).toBeInstanceOf(CompileErrors);
    return [...(error as CompileErrors).errors];
  }
  return [];
}

describe("validateConfig: schema evolution options", () => {
  const accepted: [name: string, options: Record<string, unknown>][] = [
    ["no evolution option", {}],
    ["each compatibility mode", { compatibility: "forward" }],
    ["compatibility none", { compatibility: "none" }],
    ["a version alone (older versions retired)", { version: 3 }],
    [
      "a version with its previous one and an upgrade module",
      { version: 2, previous: { 1: "signup-email.v1.schema.json" }, upgrade: "./upgrades/signupEmail.ts" },
    ],
    [
      "the oldest versions retired, the rest kept, one inline",
      {
        version: 4,
        previous: { 2: "signup-email.v2.schema.json", 3: { type: "object" } },
        upgrade: "./upgrades/signupEmail.ts",
      },
    ],
  ];
  it.each(accepted)("issue 14 #3: accepts %s", (_name, options) => {
    expect(errorsOf(options)).toEqual([]);
  });

  const rejected: [name: string, options: Record<string, unknown>, option: string, fragments: string[]][] = [
    ["an unknown mode", { compatibility: "transitive" }, "compatibility", ['"backward", "forward", "full" or "none"']],
    ["version 0", { version: 0 }, "version", ["a whole number from 1", "got 0"]],
    ["a fractional version", { version: 1.5 }, "version", ["got 1.5"]],
    ["a version as a string", { version: "2" }, "version", ['got "2"']],
    ["a version past 2^31 - 1", { version: 2 ** 31 }, "version", ["2147483647"]],
    [
      "previous as an array",
      { version: 2, previous: ["a.json"], upgrade: "./u.ts" },
      "previous",
      ["older schemas keyed by version"],
    ],
    [
      "a previous key that is not a version",
      { version: 2, previous: { one: "a.json" }, upgrade: "./u.ts" },
      "previous.one",
      ['got "one"'],
    ],
    [
      "a zero-padded previous key",
      { version: 2, previous: { "01": "a.json" }, upgrade: "./u.ts" },
      "previous.01",
      ['got "01"'],
    ],
    [
      "a previous version not older than the queue's",
      { version: 2, previous: { 2: "a.json" }, upgrade: "./u.ts" },
      "previous.2",
      ["version 2 is not older than the queue's version 2"],
    ],
    [
      "previous without a version bump",
      { previous: { 1: "a.json" }, upgrade: "./u.ts" },
      "previous.1",
      ["not older than the queue's version 1", "bump version first"],
    ],
    [
      "a gap in previous",
      { version: 4, previous: { 1: "a.json", 3: "c.json" }, upgrade: "./u.ts" },
      "previous",
      ["previous has version 1 but not 2", "every version from 1 to 3 must be kept"],
    ],
    [
      "a previous schema of the wrong type",
      { version: 2, previous: { 1: 7 }, upgrade: "./u.ts" },
      "previous.1",
      ["a schema file name", "got 7"],
    ],
    [
      "previous without an upgrade module",
      { version: 3, previous: { 1: "a.json", 2: "b.json" } },
      "upgrade",
      ["needs an upgrade module", "from1, from2"],
    ],
    ["an upgrade module without previous", { version: 2, upgrade: "./u.ts" }, "upgrade", ["nothing to upgrade"]],
    ["an empty upgrade path", { version: 2, previous: { 1: "a.json" }, upgrade: "" }, "upgrade", ['got ""']],
  ];
  it.each(rejected)("issue 14 #3: rejects %s", (_name, options, option, fragments) => {
    const errors = errorsOf(options);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.location).toMatchObject({ file, queue: "signup_email", option: `queues.signup_email.${option}` });
    for (const fragment of fragments) expect(errors[0]?.message).toContain(fragment);
  });
});

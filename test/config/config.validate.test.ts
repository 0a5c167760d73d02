import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "../../src/config/validate.js";
import { type CompileError, CompileErrors } from "../../src/errors.js";

const configFile = path.resolve("/project/pgmq.config.ts");
const file = "pgmq.config.ts";

function errorsOf(config: unknown): CompileError[] {
  try {
    validateConfig(config, configFile, { displayPath: file });
  } catch (error) {
    expect(error).toBeInstanceOf(CompileErrors);
    return [...(error as CompileErrors).errors];
  }
  return [];
}

/** A queue with only its required option, to which each case adds one mistake. */
const email = (options: Record<string, unknown>) => ({
  queues: { email: { schema: "email.schema.json", ...options } },
});

describe("validateConfig", () => {
  it("accepts a config using every option", () => {
    const config = {
      schemasDir: "schemas",
      outDir: "src/generated",
      runtimeImport: "pgmq-gen/runtime",
      queues: {
        email: {
          schema: "email.schema.json",
          visibilityTimeout: 30,
          maxRetries: 0,
          backoff: { kind: "exponential", initial: 0.5, factor: 1, max: 0.5, jitter: false },
          onSuccess: "delete",
          deadLetter: "email_dead",
          transactional: true,
          jobTimeout: 2.5,
          codec: "./codecs/email.js",
          description: "Sends one email.",
        },
        resize_image: { schema: { type: "object" }, backoff: { kind: "fixed", delay: 0 } },
        max_only: { schema: "x.json", backoff: { kind: "exponential", max: 1 } },
      },
    };
    expect(validateConfig(config, configFile, { displayPath: file })).toBe(config);
  });

  const cases: [name: string, config: unknown, fragments: string[]][] = [
    ["undefined (no default export)", undefined, ["expected the config object as the default export", "got undefined"]],
    ["a string", "queues", ["expected the config object", 'got "queues"']],
    ["an array", [], ["expected the config object", "got an array"]],
    ["missing queues", {}, ["option queues", "non-empty object of queues", "got undefined"]],
    ["empty queues", { queues: {} }, ["option queues", "non-empty object", "got an object"]],
    ["queues as an array", { queues: [] }, ["option queues", "got an array"]],
    [
      "unknown top-level option near a known one",
      { ...email({}), outdir: "gen" },
      ["option outdir", 'unknown option "outdir"', 'did you mean "outDir"?'],
    ],
    [
      "unknown top-level option far from any",
      { ...email({}), banana: 1 },
      [
        'unknown option "banana"',
        "known options: queues, schemasDir, outDir, runtimeImport, allowSchemasOutsideProject, unsafePatterns",
      ],
    ],
    [
      "upper-case queue key",
      { queues: { Email: { schema: "e.json" } } },
      ['queue "Email"', 'invalid queue name "Email"', "^[a-z][a-z0-9_]{0,46}$"],
    ],
    [
      "queue key starting with a digit",
      { queues: { "1email": { schema: "e.json" } } },
      ['invalid queue name "1email"', "starting with a letter"],
    ],
    ["queue key with a dash", { queues: { "send-email": { schema: "e.json" } } }, ['invalid queue name "send-email"']],
    [
      "queue key of 48 characters",
      { queues: { ["a".repeat(48)]: { schema: "e.json" } } },
      ["invalid queue name", "at most 47 characters"],
    ],
    [
      "colliding queue keys",
      { queues: { a_b: { schema: "e.json" }, a__b: { schema: "e.json" } } },
      ['queue "a__b"', 'queue names "a_b" and "a__b" both become the identifier AB'],
    ],
    [
      "a queue that is not an object",
      { queues: { email: "email.schema.json" } },
      ['queue "email"', "option queues.email", "expected an object of queue options"],
    ],
    ["missing schema", { queues: { email: {} } }, ["option queues.email.schema", "missing required option"]],
    ["schema of the wrong type", email({ schema: 42 }), ["option queues.email.schema", "schema file name", "got 42"]],
    ["empty schema file name", email({ schema: "" }), ["option queues.email.schema", 'got ""']],
    [
      "unknown queue option near a known one",
      email({ maxRetry: 3 }),
      ['queue "email"', "option queues.email.maxRetry", 'did you mean "maxRetries"?'],
    ],
    ["unknown queue option in other case", email({ visibilitytimeout: 3 }), ['did you mean "visibilityTimeout"?']],
    [
      "fractional visibilityTimeout",
      email({ visibilityTimeout: 1.5 }),
      ["option queues.email.visibilityTimeout", "positive whole number of seconds", "got 1.5"],
    ],
    ["zero visibilityTimeout", email({ visibilityTimeout: 0 }), ["queues.email.visibilityTimeout", "got 0"]],
    [
      "visibilityTimeout as a string",
      email({ visibilityTimeout: "30" }),
      ["queues.email.visibilityTimeout", 'got "30"'],
    ],
    ["negative maxRetries", email({ maxRetries: -1 }), ["option queues.email.maxRetries", "integer >= 0", "got -1"]],
    ["fractional maxRetries", email({ maxRetries: 2.5 }), ["queues.email.maxRetries", "got 2.5"]],
    [
      "backoff that is not an object",
      email({ backoff: "exponential" }),
      ["option queues.email.backoff", '{ kind: "exponential"', 'got "exponential"'],
    ],
    [
      "backoff without kind",
      email({ backoff: { delay: 1 } }),
      ["option queues.email.backoff.kind", '"exponential" or "fixed"', "got undefined"],
    ],
    [
      "exponential initial of 0",
      email({ backoff: { kind: "exponential", initial: 0 } }),
      ["queues.email.backoff.initial", "> 0", "got 0"],
    ],
    [
      "exponential factor below 1",
      email({ backoff: { kind: "exponential", factor: 0.5 } }),
      ["queues.email.backoff.factor", ">= 1", "got 0.5"],
    ],
    [
      "exponential max below initial",
      email({ backoff: { kind: "exponential", initial: 10, max: 5 } }),
      ["queues.email.backoff.max", ">= initial (10)", "got 5"],
    ],
    [
      "exponential max below the default initial",
      email({ backoff: { kind: "exponential", max: 0.5 } }),
      ["queues.email.backoff.max", ">= initial (1)"],
    ],
    [
      "exponential jitter not boolean",
      email({ backoff: { kind: "exponential", jitter: "yes" } }),
      ["queues.email.backoff.jitter", "true or false", 'got "yes"'],
    ],
    [
      "exponential with a fixed option",
      email({ backoff: { kind: "exponential", delay: 3 } }),
      ["queues.email.backoff.delay", 'unknown option "delay"'],
    ],
    [
      "fixed without delay",
      email({ backoff: { kind: "fixed" } }),
      ["queues.email.backoff.delay", ">= 0", "got undefined"],
    ],
    [
      "fixed negative delay",
      email({ backoff: { kind: "fixed", delay: -1 } }),
      ["queues.email.backoff.delay", "got -1"],
    ],
    [
      "round two (hostile) #7: visibilityTimeout past 10^9 seconds",
      email({ visibilityTimeout: 1000000001 }),
      ["option queues.email.visibilityTimeout", "at most 1000000000", "got 1000000001"],
    ],
    [
      "round two (hostile) #7: fixed delay past 10^9 seconds",
      email({ backoff: { kind: "fixed", delay: 2e9 } }),
      ["option queues.email.backoff.delay", "at most 1000000000", "got 2000000000"],
    ],
    [
      "round two (hostile) #7: exponential max past 10^9 seconds",
      email({ backoff: { kind: "exponential", max: 2e9 } }),
      ["option queues.email.backoff.max", "at most 1000000000", "got 2000000000"],
    ],
    [
      "fixed with an exponential option",
      email({ backoff: { kind: "fixed", delay: 1, factr: 2 } }),
      ['unknown option "factr"', "option queues.email.backoff.factr"],
    ],
    [
      "onSuccess not archive/delete",
      email({ onSuccess: "drop" }),
      ["option queues.email.onSuccess", '"archive" or "delete"', 'got "drop"'],
    ],
    [
      "deadLetter with an invalid name",
      email({ deadLetter: "Email-Dead" }),
      ["option queues.email.deadLetter", "PGMQ queue name", 'got "Email-Dead"'],
    ],
    [
      "deadLetter naming the queue itself",
      email({ deadLetter: "email" }),
      ["option queues.email.deadLetter", "its own dead-letter queue"],
    ],
    [
      "transactional not boolean",
      email({ transactional: 1 }),
      ["option queues.email.transactional", "true or false", "got 1"],
    ],
    [
      "jobTimeout of 0",
      email({ jobTimeout: 0 }),
      ["option queues.email.jobTimeout", "positive number of seconds", "got 0"],
    ],
    [
      "jobTimeout of Infinity",
      email({ jobTimeout: Number.POSITIVE_INFINITY }),
      ["queues.email.jobTimeout", "got Infinity"],
    ],
    ["empty codec", email({ codec: "" }), ["option queues.email.codec", "module path"]],
    [
      "description not a string",
      email({ description: ["a"] }),
      ["option queues.email.description", "a string", "got an array"],
    ],
    ["schemasDir not a string", { ...email({}), schemasDir: 1 }, ["option schemasDir", "folder path", "got 1"]],
    ["outDir not a string", { ...email({}), outDir: null }, ["option outDir", "got null"]],
    ["runtimeImport empty", { ...email({}), runtimeImport: "" }, ["option runtimeImport", "module specifier"]],
    [
      "round two #14: unsafePatterns not one of its values",
      { ...email({}), unsafePatterns: "loud" },
      ["option unsafePatterns", '"warn", "error" or "off"'],
    ],
    [
      "round two #16: allowSchemasOutsideProject not a boolean",
      { ...email({}), allowSchemasOutsideProject: "yes" },
      ["option allowSchemasOutsideProject", "true or false"],
    ],
    ["outDir equal to the config folder", { ...email({}), outDir: "." }, ["option outDir", "config file's folder"]],
    ["outDir above the config folder", { ...email({}), outDir: ".." }, ["option outDir", "contains it"]],
    [
      "outDir equal to the schemas folder",
      { ...email({}), outDir: "./schemas/" },
      ["option outDir", "is the schemas folder"],
    ],
    [
      "outDir equal to a custom schemas folder",
      { ...email({}), schemasDir: "src/json", outDir: "src/json" },
      ["option outDir", "schemas folder"],
    ],
  ];

  it.each(cases)("rejects %s", (_name, config, fragments) => {
    const errors = errorsOf(config);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error?.location.file).toBe(file);
    expect(error?.message.startsWith(file)).toBe(true);
    for (const fragment of fragments) expect(error?.message).toContain(fragment);
  });

  it("reports every problem of every queue in one pass", () => {
    const errors = errorsOf({
      outDir: 3,
      queues: {
        email: { schema: "e.json", maxRetries: -1, visibilityTimeout: 0 },
        Bad: { schema: "b.json", transactional: "yes" },
        image: { schema: 1, onSuccess: "keep" },
      },
    });
    expect(errors.map((error) => error.location.option)).toEqual([
      "outDir",
      "queues.email.visibilityTimeout",
      "queues.email.maxRetries",
      "queues.Bad",
      "queues.Bad.transactional",
      "queues.image.schema",
      "queues.image.onSuccess",
    ]);
    expect(errors.map((error) => error.location.queue)).toEqual([
      undefined,
      "email",
      "email",
      "Bad",
      "Bad",
      "image",
      "image",
    ]);
  });
});

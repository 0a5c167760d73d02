import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PgmqGenConfig, QueueConfig } from "../../src/config/types.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import type { QueueModel } from "../../src/model/types.js";
import { createSchemaProject, type SchemaProject } from "./schemaProject.js";

const draft07 = "http://json-schema.org/draft-07/schema#";
const draft2020 = "https://json-schema.org/draft/2020-12/schema";

const files = {
  "schemas/common.schema.json": {
    $schema: draft07,
    definitions: {
      email: { type: "string", format: "email" },
      address: {
        title: "Address",
        type: "object",
        properties: { city: { type: "string" }, country: { $ref: "#/definitions/country" } },
        required: ["city"],
      },
      country: { type: "string", enum: ["FR", "DE"] },
    },
  },
  "schemas/local.schema.json": {
    type: "object",
    properties: { a: { $ref: "#/definitions/a" } },
    definitions: { a: { type: "integer", minimum: 1 } },
  },
  "schemas/cross.schema.json": {
    $schema: draft07,
    type: "object",
    properties: {
      to: { $ref: "common.schema.json#/definitions/email" },
      home: { $ref: "common.schema.json#/definitions/address" },
      work: { $ref: "common.schema.json#/definitions/address" },
    },
  },
  "schemas/modern.schema.json": {
    $schema: draft2020,
    type: "object",
    properties: {
      kind: { const: "a" },
      tag: { $ref: "#/$defs/tag" },
      note: { type: ["string", "null"] },
      either: { oneOf: [{ type: "string" }, { type: "integer" }] },
    },
    $defs: { tag: { type: "string", maxLength: 3 } },
  },
  "schemas/tree.schema.json": {
    type: "object",
    properties: { root: { $ref: "#/definitions/node" } },
    definitions: {
      node: { type: "object", properties: { children: { type: "array", items: { $ref: "#/definitions/node" } } } },
    },
  },
};

describe("buildProjectModel", () => {
  let project: SchemaProject;
  beforeAll(async () => {
    project = await createSchemaProject("model-build", files);
  });
  afterAll(() => project.remove());

  async function modelOf(queues: Record<string, QueueConfig>, extra: Partial<PgmqGenConfig> = {}) {
    return buildProjectModel({ queues, ...extra }, project.configPath);
  }
  async function queueOf(schema: QueueConfig["schema"], options: Partial<QueueConfig> = {}): Promise<QueueModel> {
    const model = await modelOf({ job: { schema, ...options } });
    return model.queues[0]!;
  }

  describe("options", () => {
    const cases: [string, { given: Partial<QueueConfig>; want: Partial<QueueModel["options"]> }][] = [
      [
        "every default",
        {
          given: {},
          want: {
            visibilityTimeout: 30,
            maxRetries: 5,
            backoff: { kind: "exponential", initial: 1, factor: 2, max: 300, jitter: true },
            onSuccess: "archive",
            deadLetter: null,
            transactional: false,
            jobTimeout: null,
          },
        },
      ],
      [
        "partial exponential backoff is filled",
        {
          given: { backoff: { kind: "exponential", initial: 5 } },
          want: { backoff: { kind: "exponential", initial: 5, factor: 2, max: 300, jitter: true } },
        },
      ],
      [
        "fixed backoff",
        { given: { backoff: { kind: "fixed", delay: 7 } }, want: { backoff: { kind: "fixed", delay: 7 } } },
      ],
      [
        "explicit values win",
        {
          given: {
            visibilityTimeout: 5,
            maxRetries: 0,
            onSuccess: "delete",
            deadLetter: "dead",
            transactional: true,
            jobTimeout: 9,
          },
          want: {
            visibilityTimeout: 5,
            maxRetries: 0,
            onSuccess: "delete",
            deadLetter: "dead",
            transactional: true,
            jobTimeout: 9,
          },
        },
      ],
    ];
    it.each(cases)("%s", async (_name, { given, want }) => {
      const queue = await queueOf("local.schema.json", given);
      expect(queue.options).toMatchObject(want);
    });

    it("issue 13 #4: a queue that never retries has no backoff, even one the config gives", async () => {
      for (const given of [{ maxRetries: 0 }, { maxRetries: 0, backoff: { kind: "fixed", delay: 7 } as const }]) {
        const queue = await queueOf("local.schema.json", given);
        expect(queue.options.maxRetries).toBe(0);
        expect(queue.options).not.toHaveProperty("backoff");
      }
    });
  });

  it("sorts queues by key, derives names and paths", async () => {
    const model = await modelOf({ zeta: { schema: "local.schema.json" }, alpha_beta: { schema: "local.schema.json" } });
    expect(model.queues.map((queue) => queue.key)).toEqual(["alpha_beta", "zeta"]);
    expect(model.queues[0]!.names.job).toBe("AlphaBetaJob");
    expect(model.configFile).toBe("pgmq.config.ts");
    expect(model.rootDir).toBe(project.dir);
    expect(model.outDir).toBe(`${project.dir}/generated`);
    expect(model.runtimeImport).toBe("@pgmq-gen/runtime");
    expect(model.queues[0]!.schemaFile).toBe("schemas/local.schema.json");
  });

  it("lists every file read, sorted, each once", async () => {
    const model = await modelOf({
      a: { schema: "cross.schema.json" },
      b: { schema: "cross.schema.json" },
      c: { schema: "local.schema.json" },
    });
    expect(model.inputFiles).toEqual(
      [
        project.configPath,
        ...["common", "cross", "local"].map((name) => `${project.dir}/schemas/${name}.schema.json`),
      ].sort(),
    );
  });

  const codecCases: [string, { given: { codec: string; outDir?: string }; want: string }][] = [
    ["ts module next to the config", { given: { codec: "codecs/email.ts" }, want: "../codecs/email.js" }],
    ["no extension", { given: { codec: "./codecs/email" }, want: "../codecs/email.js" }],
    [
      "mts inside outDir's parent",
      { given: { codec: "src/codec.mts", outDir: "src/generated" }, want: "../codec.mjs" },
    ],
    ["inside outDir", { given: { codec: "generated/own.ts" }, want: "./own.js" }],
  ];
  it.each(codecCases)("codec import: %s", async (_name, { given, want }) => {
    const model = await modelOf(
      { job: { schema: "local.schema.json", codec: given.codec } },
      given.outDir === undefined ? {} : { outDir: given.outDir },
    );
    expect(model.queues[0]!.codecImport).toBe(want);
  });

  it("takes the description from the config, else from the schema", async () => {
    expect((await queueOf({ type: "object", description: "From schema" })).description).toBe("From schema");
    expect(
      (await queueOf({ type: "object", description: "From schema" }, { description: "From config" })).description,
    ).toBe("From config");
    expect((await queueOf({ type: "object" })).description).toBeNull();
  });

  const schemaCases: [
    string,
    { given: QueueConfig["schema"]; want: { dialect: string; schema: Record<string, unknown> } },
  ][] = [
    [
      "local definitions stay internal refs",
      {
        given: "local.schema.json",
        want: {
          dialect: "draft-07",
          schema: {
            properties: { a: { $ref: "#/definitions/a" } },
            definitions: { a: { type: "integer", minimum: 1 } },
          },
        },
      },
    ],
    [
      "cross-file refs are bundled in, repeated refs point at the first copy",
      {
        given: "cross.schema.json",
        want: {
          dialect: "draft-07",
          schema: {
            properties: {
              to: { type: "string", format: "email" },
              home: { title: "Address", properties: { country: { type: "string", enum: ["FR", "DE"] } } },
              work: { $ref: "#/properties/home" },
            },
          },
        },
      },
    ],
    [
      "2020-12 with $defs, const, nullable and oneOf",
      {
        given: "modern.schema.json",
        want: {
          dialect: "2020-12",
          schema: {
            properties: { kind: { const: "a" }, note: { type: ["string", "null"] }, tag: { $ref: "#/$defs/tag" } },
            $defs: { tag: { maxLength: 3 } },
          },
        },
      },
    ],
    [
      "recursive local refs are kept",
      {
        given: "tree.schema.json",
        want: {
          dialect: "draft-07",
          schema: { definitions: { node: { properties: { children: { items: { $ref: "#/definitions/node" } } } } } },
        },
      },
    ],
    [
      "inline schema with a ref into schemasDir",
      {
        given: {
          $schema: draft2020,
          type: "object",
          properties: { to: { $ref: "common.schema.json#/definitions/email" } },
        },
        want: { dialect: "2020-12", schema: { properties: { to: { type: "string", format: "email" } } } },
      },
    ],
  ];
  it.each(schemaCases)("schema: %s", async (_name, { given, want }) => {
    const queue = await queueOf(given);
    expect(queue.dialect).toBe(want.dialect);
    expect(queue.schema).toMatchObject(want.schema);
    expect(JSON.stringify(queue.schema)).not.toMatch(/"\$ref":"[^#]/);
  });

  it("marks inline schemas as having no file, and freezes the schema", async () => {
    const queue = await queueOf({ type: "object", properties: { a: { type: "string" } } });
    expect(queue.schemaFile).toBeNull();
    expect(Object.isFrozen(queue.schema)).toBe(true);
    expect(Object.isFrozen((queue.schema.properties as Record<string, unknown>).a)).toBe(true);
  });
});

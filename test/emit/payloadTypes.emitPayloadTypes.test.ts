/** Each schema feature and the TypeScript it becomes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JSONSchema } from "../../src/config/jsonSchema.js";
import { emitAllPayloadTypes, emitPayloadTypes, queuePayload } from "../../src/emit/payloadTypes.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { createSchemaProject, type SchemaProject } from "../model/schemaProject.js";

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): JSONSchema => ({
  type: "object",
  properties,
  ...extra,
});

const cases: [string, { given: JSONSchema; want: string[]; notWant?: string[] }][] = [
  [
    "required and optional",
    {
      given: object({ a: { type: "string" }, b: { type: "integer" } }, { required: ["a"] }),
      want: ["  a: string;", "  b?: number;"],
    },
  ],
  [
    "enum becomes a union of literals",
    { given: object({ f: { type: "string", enum: ["png", "webp"] } }), want: ['  f?: "png" | "webp";'] },
  ],
  ["const becomes a literal", { given: object({ v: { const: 2 } }), want: ["  v?: 2;"] }],
  ["nullable type array", { given: object({ n: { type: ["string", "null"] } }), want: ["  n?: string | null;"] }],
  [
    "anyOf is a union",
    { given: object({ u: { anyOf: [{ type: "string" }, { type: "number" }] } }), want: ["  u?: string | number;"] },
  ],
  [
    "oneOf is a union",
    { given: object({ u: { oneOf: [{ type: "boolean" }, { type: "null" }] } }), want: ["  u?: boolean | null;"] },
  ],
  [
    "allOf is an intersection",
    {
      given: object({
        x: {
          allOf: [
            object({ a: { type: "string" } }, { title: "Left" }),
            object({ b: { type: "string" } }, { title: "Right" }),
          ],
        },
      }),
      want: ["  x?: JobLeft & JobRight;"],
    },
  ],
  [
    "additionalProperties false: no index signature",
    {
      given: object({ a: { type: "string" } }, { additionalProperties: false }),
      want: ["  a?: string;"],
      notWant: ["[k: string]"],
    },
  ],
  [
    "additionalProperties default: unknown index signature",
    { given: object({ a: { type: "string" } }), want: ["  [k: string]: unknown | undefined;"] },
  ],
  [
    "typed additionalProperties",
    {
      given: object({}, { additionalProperties: { type: "number" }, required: [] }),
      want: ["  [k: string]: number;"],
    },
  ],
  [
    "an index signature beside optional properties allows undefined (strict mode needs it)",
    {
      given: object({ a: { type: "string" } }, { additionalProperties: { type: "number" }, required: [] }),
      want: ["  a?: string;", "  [k: string]: number | string | undefined;"],
    },
  ],
  [
    "an enum that may be null is one flat union",
    {
      given: object({ fit: { type: ["string", "null"], enum: ["cover", "fill", null] } }),
      want: ['  fit?: "cover" | "fill" | null;'],
    },
  ],
  [
    "formats stay strings",
    {
      given: object({ at: { type: "string", format: "date-time" }, id: { type: "string", format: "uuid" } }),
      want: ["  at?: string;", "  id?: string;"],
    },
  ],
  [
    "array bounds do not make tuples",
    {
      given: object({ to: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 } }),
      want: ["  to?: string[];"],
    },
  ],
  [
    "titled subschemas are prefixed with the queue name",
    {
      given: object({ home: object({ c: { type: "string" } }, { title: "postal address" }) }),
      want: ["  home?: JobPostalAddress;", "export interface JobPostalAddress {"],
    },
  ],
  [
    "untitled definitions are named after their key, prefixed",
    {
      given: object(
        { n: { $ref: "#/definitions/node" } },
        { definitions: { node: object({ next: { $ref: "#/definitions/node" } }) } },
      ),
      want: ["  n?: JobNode;", "  next?: JobNode;"],
    },
  ],
  [
    "2020-12 $defs",
    {
      given: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        ...object({ t: { $ref: "#/$defs/tag" } }),
        $defs: { tag: { type: "string", enum: ["a"] } },
      },
      want: ['export type JobTag = "a";'],
    },
  ],
  [
    "root description becomes the JSDoc",
    {
      given: object({}, { description: "Sends one thing." }),
      want: ["/**", " * Sends one thing.", " */", "export interface JobJob {"],
    },
  ],
];

describe("emitPayloadTypes", () => {
  let project: SchemaProject;
  beforeAll(async () => {
    project = await createSchemaProject("emit-types", {});
  });
  afterAll(() => project.remove());

  it.each(cases)("%s", async (_name, { given, want, notWant = [] }) => {
    // Queue key "job": pascal "Job", payload "JobJob", nested types "Job<Name>".
    const model = await buildProjectModel({ queues: { job: { schema: given } } }, project.configPath);
    const types = await emitPayloadTypes(queuePayload(model.queues[0]!), model.configFile);
    const lines = types.split("\n");
    for (const line of want) expect(lines, types).toContain(line);
    for (const fragment of notWant) expect(types).not.toContain(fragment);
  });

  it("keeps two queues' same-titled types apart", async () => {
    const address = object({ city: { type: "string" } }, { title: "Address" });
    const model = await buildProjectModel(
      { queues: { ship: { schema: object({ to: address }) }, bill: { schema: object({ to: address }) } } },
      project.configPath,
    );
    const [bill, ship] = await Promise.all(
      model.queues.map((queue) => emitPayloadTypes(queuePayload(queue), model.configFile)),
    );
    expect(bill).toContain("export interface BillAddress {");
    expect(ship).toContain("export interface ShipAddress {");
  });

  it("formats every queue's types together exactly as it formats each alone", async () => {
    const longUnion = {
      type: "string",
      enum: Array.from({ length: 12 }, (_unused, index) => `a_rather_long_value_${index}`),
    };
    const queues = Object.fromEntries(cases.map(([, { given }], index) => [`q${index}`, { schema: given }])) as Record<
      string,
      { schema: JSONSchema }
    >;
    queues.wide = {
      schema: object(
        { pick: longUnion },
        { description: "Quotes the boundary:\n// @pgmq-gen payload types boundary\nand goes on." },
      ),
    };
    const model = await buildProjectModel({ queues }, project.configPath);
    const alone = await Promise.all(
      model.queues.map((queue) => emitPayloadTypes(queuePayload(queue), model.configFile)),
    );
    const together = await emitAllPayloadTypes(model.queues.map(queuePayload), model.configFile);
    expect(together).toEqual(alone);
    // The long union is the case where prettier, not the emitter, decides the layout.
    expect(together[model.queues.findIndex((queue) => queue.key === "wide")]).toContain(
      '    | "a_rather_long_value_0"',
    );
  });
});

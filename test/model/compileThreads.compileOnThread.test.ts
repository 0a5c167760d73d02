/**
 * A compiler thread (which runs the build in dist/, see workerEntry() in
 * compileThreads.ts) answers exactly what `validatorSource` answers in this
 * thread, for every dialect and for failures, under concurrency too.
 */
import { describe, expect, it } from "vitest";
import { compileOnThread } from "../../src/model/compileThreads.js";
import type { SchemaDialect } from "../../src/model/types.js";
import { validatorSource } from "../../src/model/validatorSource.js";

const cases: [name: string, schema: object, dialect: SchemaDialect][] = [
  [
    "draft-07 object with formats and definitions",
    {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { to: { type: "string", format: "email" }, address: { $ref: "#/definitions/address" } },
      required: ["to"],
      additionalProperties: false,
      definitions: { address: { type: "object", properties: { city: { type: "string", minLength: 1 } } } },
    },
    "draft-07",
  ],
  [
    "draft-07 without $schema, union types",
    { type: "object", properties: { note: { type: ["string", "null"] }, count: { type: "integer", minimum: 0 } } },
    "draft-07",
  ],
  [
    "2020-12 with $defs and prefixItems",
    {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        point: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }], items: false },
        tag: { $ref: "#/$defs/tag" },
      },
      $defs: { tag: { type: "string", pattern: "^[a-z]+$" } },
    },
    "2020-12",
  ],
  [
    "2020-12 with the json-schema-to-typescript keywords",
    { type: "object", properties: { at: { type: "string", tsType: "Date" } } },
    "2020-12",
  ],
];

const failing: [name: string, schema: object, dialect: SchemaDialect][] = [
  ["draft-07 misspelt keyword", { type: "object", properties: { to: { type: "string", minLenght: 3 } } }, "draft-07"],
  [
    "2020-12 misspelt keyword",
    { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", requird: ["a"] },
    "2020-12",
  ],
];

describe("compileOnThread", () => {
  it.each(cases)("gives validatorSource's source for %s", async (_name, schema, dialect) => {
    const expected = validatorSource(structuredClone(schema), dialect);
    expect(expected.ok).toBe(true);
    expect(await compileOnThread(structuredClone(schema), dialect)).toEqual(expected);
  });

  it.each(failing)(
    "gives validatorSource's failure for %s: unknown keyword in strict mode",
    async (_name, schema, dialect) => {
      const expected = validatorSource(structuredClone(schema), dialect);
      const outcome = await compileOnThread(structuredClone(schema), dialect);
      expect(outcome).toEqual(expected);
      expect(outcome).toEqual({ ok: false, message: expect.stringMatching(/unknown keyword/), stackOverflow: false });
    },
  );

  it("settles 50 concurrent compiles, each with its own schema's source", async () => {
    const requests = Array.from({ length: 50 }, (_unused, index) => {
      const [, schema, dialect] = [...cases, ...failing][index % (cases.length + failing.length)]!;
      // A distinct schema each time, so a reply given to the wrong request would show.
      const distinct = { ...schema, title: `Request${index}`, maxProperties: index + 1 };
      return { schema: distinct, dialect };
    });
    const expected = requests.map(({ schema, dialect }) => validatorSource(structuredClone(schema), dialect));
    const outcomes = await Promise.all(
      requests.map(({ schema, dialect }) => compileOnThread(structuredClone(schema), dialect)),
    );
    expect(outcomes).toHaveLength(50);
    expect(outcomes.filter((outcome) => !outcome.ok)).toHaveLength(
      requests.filter((_request, index) => !expected[index]!.ok).length,
    );
    outcomes.forEach((outcome, index) => expect(outcome, `request ${index}`).toEqual(expected[index]));
    // The sources really differ per request (maxProperties is compiled in), so the comparison above tells them apart.
    const sources = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.source] : []));
    expect(new Set(sources).size).toBe(sources.length);
  });
});

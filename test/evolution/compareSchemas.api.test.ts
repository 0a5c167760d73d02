/** compareSchemas' contract beyond the table: defaults, what a change carries, bad input. */
import { Ajv } from "ajv";
import { compareSchemas } from "pgmq-gen/compiler";
import { describe, expect, test } from "vitest";

describe("compareSchemas", () => {
  test("issue 14 #1: the default mode is backward, and each change carries its old and new values", () => {
    const result = compareSchemas({ type: "string", maxLength: 10 }, { type: "string", maxLength: 5 });
    expect(result.mode).toBe("backward");
    expect(result.compatible).toBe(false);
    expect(result.changes).toEqual([
      {
        pointer: "/maxLength",
        keyword: "maxLength",
        kind: "MAX_LENGTH_DECREASED",
        old: 10,
        new: 5,
        breaking: true,
        reason: "maxLength changed from 10 to 5: a payload valid under the old schema can be invalid under the new one",
      },
    ]);
  });

  test("issue 14 #1: a change it cannot prove safe says so and names the keyword", () => {
    const [change] = compareSchemas({ pattern: "^ab" }, { pattern: "^a" }).changes;
    expect(change?.breaking).toBe(true);
    expect(change?.reason).toMatch(/^cannot prove that one pattern accepts every string the other does/);
    const [oneOf] = compareSchemas({ oneOf: [{ type: "string" }] }, { oneOf: [{ type: "number" }] }).changes;
    expect(oneOf?.reason).toMatch(/^cannot prove that the changed oneOf accepts the same values/);
  });

  test("issue 14 #1: a compatible change explains why in the mode asked", () => {
    const forward = compareSchemas({ maxLength: 10 }, { maxLength: 5 }, { mode: "forward" });
    expect(forward.compatible).toBe(true);
    expect(forward.changes[0]?.reason).toBe(
      "maxLength changed from 10 to 5: every payload valid under the new schema was valid under the old one",
    );
  });

  test("issue 14 #1: a definition reached through several $refs is reported once", () => {
    const schema = (type: string) => ({
      definitions: { id: { type } },
      properties: { a: { $ref: "#/definitions/id" }, b: { $ref: "#/definitions/id" } },
    });
    const result = compareSchemas(schema("integer"), schema("string"));
    expect(result.changes.map((change) => change.pointer)).toEqual(["/definitions/id/type"]);
  });

  test("issue 14 #1: a smaller multipleOf is safe only where the bounds keep ajv's quotients below 1e21", () => {
    // ajv: value / multipleOf === parseInt(value / multipleOf), and parseInt("1.8e+21") is 1.
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate({ multipleOf: 4 }, 3.6e21)).toBe(true);
    expect(ajv.validate({ multipleOf: 2 }, 3.6e21)).toBe(false);
    expect(compareSchemas({ multipleOf: 4 }, { multipleOf: 2 }).compatible).toBe(false);
    expect(
      compareSchemas({ maximum: 1e6, minimum: 0, multipleOf: 4 }, { maximum: 1e6, minimum: 0, multipleOf: 2 })
        .compatible,
    ).toBe(true);
  });

  test("issue 14 #1: a value that is not a schema is a TypeError naming its pointer", () => {
    expect(() => compareSchemas({ properties: { a: 42 } }, { properties: { a: 42 } })).toThrow(
      new TypeError("not a JSON Schema at /properties/a: 42"),
    );
  });
});

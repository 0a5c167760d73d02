import { describe, expect, it } from "vitest";
import { rewriteValidatorRequires } from "../../src/emit/validatorRequires.js";

const cases: [string, { given: string; want: string }][] = [
  [
    "ucs2length",
    {
      given: 'const func1 = require("ajv/dist/runtime/ucs2length").default;',
      want: "const func1 = validatorRuntime.ucs2length;",
    },
  ],
  [
    "equal",
    {
      given: 'const func0 = require("ajv/dist/runtime/equal").default;',
      want: "const func0 = validatorRuntime.equal;",
    },
  ],
  ["uri", { given: 'const u = require("ajv/dist/runtime/uri").default;', want: "const u = validatorRuntime.uri;" }],
  [
    "format by property",
    {
      given: 'const f = require("ajv-formats/dist/formats").fullFormats.uri;',
      want: 'const f = validatorRuntime.formats["uri"];',
    },
  ],
  [
    "format by key",
    {
      given: 'const f = require("ajv-formats/dist/formats").fullFormats["date-time"];',
      want: 'const f = validatorRuntime.formats["date-time"];',
    },
  ],
];

describe("rewriteValidatorRequires", () => {
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(rewriteValidatorRequires(given)).toBe(want);
  });

  it.each([
    ['require("ajv/dist/runtime/validation_error").default'],
    ['require("ajv-formats/dist/formats").fullFormats["no-such-format"]'],
    ['require("ajv/dist/runtime/equal")'],
    ['require("left-pad")'],
  ])("refuses %s", (given) => {
    expect(() => rewriteValidatorRequires(`const x = ${given};`)).toThrow(/validatorRuntime does not provide/);
  });
});

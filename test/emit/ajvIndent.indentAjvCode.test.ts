import { describe, expect, it } from "vitest";
import { indentAjvCode } from "../../src/emit/ajvIndent.js";

// `want: null`: the code is declined, so the caller can use the TypeScript printer.
const cases: [string, { given: string; want: string | null }][] = [
  [
    "indents by brace depth, skipping braces in strings and regular expressions",
    {
      given: [
        'const formats0 = /^[a-z{]+"}$/i;',
        'function validate0(data, {instancePath=""}={}){',
        'if(data === "}{\\""){',
        'const x = key0.replace(/~/g, "~0").replace(/\\//g, "~1");',
        "}",
        "else {",
        "const y = (data/2) % 1;",
        "}",
        "return true;",
        "}",
        "",
      ].join("\n"),
      want: [
        'const formats0 = /^[a-z{]+"}$/i;',
        'function validate0(data, {instancePath=""}={}){',
        '  if(data === "}{\\""){',
        '    const x = key0.replace(/~/g, "~0").replace(/\\//g, "~1");',
        "  }",
        "  else {",
        "    const y = (data/2) % 1;",
        "  }",
        "  return true;",
        "}",
      ].join("\n"),
    },
  ],
  ["declines a template literal", { given: "const a = `{`;", want: null }],
  ["declines a single-quoted string", { given: "const a = '{';", want: null }],
  ["declines a comment", { given: "// {\n", want: null }],
  ["declines a block still open at the end", { given: "if(a){\n", want: null }],
  ["declines a line that leaves a bracket open", { given: "f(a,\nb);", want: null }],
  ["declines code already indented", { given: "  already();", want: null }],
];

describe("indentAjvCode", () => {
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(indentAjvCode(given)).toBe(want);
  });
});

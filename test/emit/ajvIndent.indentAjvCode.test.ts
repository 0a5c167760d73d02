import { describe, expect, it } from "vitest";
import { indentAjvCode } from "../../src/emit/ajvIndent.js";

describe("indentAjvCode", () => {
  it("indents by brace depth, skipping braces in strings and regular expressions", () => {
    const code = [
      'const formats0 = /^[a-z{]+"}$/i;',
      "function validate0(data, {instancePath=\"\"}={}){",
      'if(data === "}{\\""){',
      'const x = key0.replace(/~/g, "~0").replace(/\\//g, "~1");',
      "}",
      "else {",
      "const y = (data/2) % 1;",
      "}",
      "return true;",
      "}",
      "",
    ].join("\n");
    expect(indentAjvCode(code)).toBe(
      [
        'const formats0 = /^[a-z{]+"}$/i;',
        "function validate0(data, {instancePath=\"\"}={}){",
        '  if(data === "}{\\""){',
        '    const x = key0.replace(/~/g, "~0").replace(/\\//g, "~1");',
        "  }",
        "  else {",
        "    const y = (data/2) % 1;",
        "  }",
        "  return true;",
        "}",
      ].join("\n"),
    );
  });

  it("declines code it does not recognise, so the caller can use the TypeScript printer", () => {
    expect(indentAjvCode("const a = `{`;")).toBeNull();
    expect(indentAjvCode("const a = '{';")).toBeNull();
    expect(indentAjvCode("// {\n")).toBeNull();
    expect(indentAjvCode("if(a){\n")).toBeNull();
    expect(indentAjvCode("f(a,\nb);")).toBeNull();
    expect(indentAjvCode("  already();")).toBeNull();
  });
});

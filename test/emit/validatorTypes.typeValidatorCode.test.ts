/** typeValidatorCode types the shapes of ajv's code it knows, and refuses the others. */
import { describe, expect, it } from "vitest";
import { emitValidatorModule, queueValidator } from "../../src/emit/validatorModule.js";
import { typeValidatorCode, ValidatorShapeError } from "../../src/emit/validatorTypes.js";
import { CompileError } from "../../src/errors.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { exampleConfig, exampleConfigPath } from "./exampleProject.js";

const HEADER = 'function validate0(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){';
const RETURN = ["validate0.errors = vErrors;", "return errors === 0;", "}"];

function typed(...body: string[]): string {
  return typeValidatorCode([HEADER, ...body, ...RETURN].join("\n"), "validate0", "Job").code;
}

describe("typeValidatorCode", () => {
  it("issue 13 #4: the exported function is a type guard, and its context keeps only the elements its body reads", () => {
    const code = typed("let vErrors = null;", "let errors = 0;", "if(data.a === undefined){", "errors++;", "}");
    expect(code).toContain("function validate0(data: any, _context?: ValidatorContext): data is Job {");
    expect(code).toContain("let vErrors: any = null;");
    expect(code).toContain("declare namespace validate0 {\nlet errors: CompiledValidatorError[] | null;\n}");
    const withPath = typed(
      'const err0 = {instancePath:instancePath+"/a",parentData:1};',
      "validate1(data, {rootData});",
    );
    expect(withPath).toContain('{ instancePath = "", rootData = data }: ValidatorContext = {}');
  });

  it("issue 13 #4: other functions return boolean; validate1.evaluated gets its type", () => {
    const code = [
      HEADER,
      ...RETURN,
      HEADER.replace("validate0", "validate1"),
      "const evaluated0 = validate1.evaluated;",
      ...RETURN,
      'validate1.evaluated = {"props":true,"dynamicProps":false,"dynamicItems":false};',
    ].join("\n");
    const result = typeValidatorCode(code, "validate0", "Job");
    expect(result.code).toContain("function validate1(data: any, _context?: ValidatorContext): boolean {");
    expect(result.code).toContain(
      "declare namespace validate1 {\nlet errors: CompiledValidatorError[] | null;\nlet evaluated: ValidatorEvaluated;\n}",
    );
    expect(result.runtimeTypes).toEqual(["CompiledValidatorError", "ValidatorContext", "ValidatorEvaluated"]);
  });

  it.each([
    [
      "a write-only variable is dropped with its assignments",
      ["let missing0;", 'if((data.a === undefined) && (missing0 = "a")){', "}"],
      'if((data.a === undefined) && ("a")){',
    ],
    [
      "a variable ajv reads is typed",
      ["let ifClause0;", 'ifClause0 = "then";', "f(ifClause0);"],
      "let ifClause0: any;",
    ],
    ["var flags are any", ["var valid1 = _errs0 === errors;"], "var valid1: any = _errs0 === errors;"],
    ["uniqueItems' indices", ["const indices0 = {};"], "const indices0: Record<string, number> = {};"],
    [
      "multipleOf's guard on a non-zero literal",
      ["if((0.5 === 0 || (res0 = data/0.5, res0 !== parseInt(res0)))){"],
      "if(((res0 = data/0.5",
    ],
  ])("issue 13 #4: %s", (_name, body, want) => {
    expect(typed(...body)).toContain(want);
  });

  it.each([
    [
      "a function header of another shape",
      [HEADER.replace("rootData=data", "rootData=data, other"), ...RETURN].join("\n"),
      /function header/,
    ],
    [
      "a property ajv did not keep on its functions before",
      [HEADER, "validate0.schema;", ...RETURN].join("\n"),
      /validate0\.schema/,
    ],
    ["no exported function", [HEADER.replace("validate0", "validate2"), ...RETURN].join("\n"), /no function validate0/],
  ])("issue 13 #4: refuses %s", (_name, code, message) => {
    expect(() => typeValidatorCode(code, "validate0", "Job")).toThrow(ValidatorShapeError);
    expect(() => typeValidatorCode(code, "validate0", "Job")).toThrow(message);
  });
});

describe("emitValidatorModule", () => {
  it("issue 13 #4: ajv code of a shape the typing does not know fails generation with a CompileError at the queue's schema", async () => {
    const model = await buildProjectModel(exampleConfig, exampleConfigPath);
    const email = model.queues.find((queue) => queue.key === "email")!;
    const source = [
      '"use strict";',
      "export const validate = validate0;",
      "export default validate0;",
      HEADER.replace("{}){", "{}, extra){"),
      ...RETURN,
    ].join("\n");
    const emitted = emitValidatorModule(
      queueValidator(email),
      { ok: true, source },
      "@pgmq-gen/runtime",
      "pgmq.config.ts",
    );
    await expect(emitted).rejects.toThrow(CompileError);
    await expect(emitted).rejects.toMatchObject({
      location: { file: "schemas/email.schema.json", queue: "email", pointer: "" },
      problem: expect.stringMatching(
        /^cannot generate the validator: a function header pgmq-gen does not know: .*ajv upgrade\?/,
      ),
    });
  });
});

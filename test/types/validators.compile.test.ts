/**
 * Generated validators are typed code: the example's and a corpus of schemas
 * exercising most keywords (test/emit/validatorCorpus.ts) compile, with no
 * diagnostic at all, under the strictest options a user's project might set,
 * with the TypeScript 6 compiler API and the TypeScript 7 native `tsc`.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strictUserOptions } from "./userCompilerOptions.js";
import type { PgmqGenConfig } from "../../src/config/types.js";
import { emitProject } from "../../src/emit/project.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { exampleConfig, exampleConfigPath } from "../emit/exampleProject.js";
import { validatorCorpus, validatorCorpusConfig } from "../emit/validatorCorpus.js";
import { createSchemaProject, packageRoot, type SchemaProject } from "../model/schemaProject.js";

/**
 * Every check that can reject code a validator holds. `@pgmq-gen/runtime`
 * resolves to its sources through the package's own condition; a user
 * compiles against its declarations, so only diagnostics in generated code
 * (or in no file) count.
 */
const compilerOptions = {
  ...strictUserOptions,
  exactOptionalPropertyTypes: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noPropertyAccessFromIndexSignature: true,
  useUnknownInCatchVariables: true,
  allowUnreachableCode: false,
  allowUnusedLabels: false,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
} as const;

async function generate(project: SchemaProject, config: PgmqGenConfig, configPath: string): Promise<string[]> {
  const outDir = path.join(project.dir, "generated");
  const model = await buildProjectModel({ ...config, outDir }, configPath);
  await mkdir(outDir, { recursive: true });
  const files = await emitProject(model);
  for (const file of files) await writeFile(path.join(outDir, file.path), file.contents);
  return files.map((file) => path.join(outDir, file.path));
}

describe("generated validators under the strictest TypeScript options", () => {
  let project: SchemaProject;
  let validatorFiles: string[];

  beforeAll(async () => {
    project = await createSchemaProject(
      "validators-compile",
      Object.fromEntries(Object.entries(validatorCorpus).map(([file, schema]) => [`corpus/schemas/${file}`, schema])),
    );
    const corpus = { ...project, dir: path.join(project.dir, "corpus") };
    const example = { ...project, dir: path.join(project.dir, "example") };
    const files = [
      ...(await generate(corpus, validatorCorpusConfig, path.join(corpus.dir, "pgmq.config.ts"))),
      ...(await generate(example, exampleConfig, exampleConfigPath)),
    ];
    validatorFiles = files.filter((file) => file.endsWith(".validator.ts"));
    await writeFile(
      path.join(project.dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions, files: files.map((file) => path.relative(project.dir, file)) }, null, 2),
    );
  });
  afterAll(() => project.remove());

  /** Whether a diagnostic's file (relative to the project, or absent) is one the test holds to account. */
  const counts = (file: string | undefined) => file === undefined || !file.includes("packages/runtime/");

  it("issue 13 #4: covers the example's validators and one per corpus schema", () => {
    expect(validatorFiles.map((file) => path.relative(project.dir, file)).sort()).toEqual(
      expect.arrayContaining([
        "example/generated/email.validator.ts",
        "example/generated/invoice-pdf.validator.ts",
        "example/generated/resize-image.validator.ts",
        ...Object.keys(validatorCorpus).map(
          (file) => `corpus/generated/${file.replace(".schema.json", ".validator.ts")}`,
        ),
      ]),
    );
    for (const file of validatorFiles) expect(readFileSync(file, "utf8")).not.toContain("@ts-nocheck");
  });

  it("issue 13 #4: validators compile with no diagnostic under TypeScript 6 (compiler API)", () => {
    const { options, errors } = ts.convertCompilerOptionsFromJson(compilerOptions, project.dir);
    expect(errors).toEqual([]);
    const program = ts.createProgram(validatorFiles, options);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ({
        file: diagnostic.file && path.relative(project.dir, diagnostic.file.fileName),
        line: diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
      }))
      .filter((diagnostic) => counts(diagnostic.file));
    expect(diagnostics).toEqual([]);
    expect(program.getSourceFiles().map((file) => file.fileName)).toEqual(expect.arrayContaining(validatorFiles));
  });

  it("issue 13 #4: validators compile with no diagnostic under TypeScript 7 (native tsc)", async () => {
    const tsc = path.join(packageRoot, "node_modules", "typescript-7", "bin", "tsc");
    const output = await promisify(execFile)(
      process.execPath,
      [tsc, "-p", path.join(project.dir, "tsconfig.json"), "--pretty", "false"],
      { cwd: project.dir },
    ).then(
      (ok) => ok.stdout + ok.stderr,
      (failed: { stdout: string; stderr: string }) => failed.stdout + failed.stderr,
    );
    // `file(line,column): error TS…` lines, each followed by its indented elaborations.
    const errors = output.split("\n").filter((line) => line.trim() !== "" && !/^\s/.test(line));
    expect(errors.filter((line) => counts(/^(.+?)\(\d+,\d+\): /.exec(line)?.[1]))).toEqual([]);
  });
});

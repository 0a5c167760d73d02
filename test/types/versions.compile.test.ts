/**
 * A versioned queue under a user's strict TypeScript (issue 14 §3): the
 * generated project compiles together with the user's upgrade module, and an
 * upgrade module that lacks a step, or whose step has the wrong types, fails
 * the build on the generated line that assigns it to `<Queue>Upgrades`,
 * with the error TypeScript 6 (compiler API) and 7 (native tsc) both report
 * there and no other. Each case is a copy of one generated project with its
 * own `upgrades/signupEmail.ts`.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { type FoundError, messageChain } from "./diagnostics.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitProject } from "../../src/emit/project.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { signupSchemas, signupUpgrades, versionedConfig } from "../emit/versionedProject.js";
import { createSchemaProject, packageRoot, type SchemaProject } from "../model/schemaProject.js";
import { strictUserOptions } from "./userCompilerOptions.js";

const compilerOptions = strictUserOptions;
const UPGRADE_MODULE = "upgrades/signupEmail.ts";
const QUEUE_MODULE = "generated/signup-email.ts";
/** The generated line a wrong upgrade module fails on. */
const ASSIGNMENT = "const signupEmailUpgrades: SignupEmailUpgrades = signupEmailUpgradeSteps;";

/** An upgrade module that must not compile, and the one error it must cause on the assignment line. */
interface WrongUpgrades {
  source: string;
  /** The error's code, as tsc prints it (the head message's). */
  code: number;
  /** Text of the head message. */
  fragment: string;
  /** Text of one of its elaborations (TypeScript 6's chain; TypeScript 7 prints them as indented lines). */
  because: string;
}

const IMPORTS = `import type { SignupEmailJob, SignupEmailJobV1, SignupEmailJobV2 } from "../generated/index.js";\n`;
const FROM2 = `  from2: (job: SignupEmailJobV2): SignupEmailJob => ({ to: [{ address: job.to.address, locale: "en" }] }),\n`;

const wrongUpgrades: [string, WrongUpgrades][] = [
  [
    "a missing step (from1)",
    {
      source: `${IMPORTS}\nexport default {\n${FROM2}};\n`,
      code: 2741,
      fragment: "Property 'from1' is missing in type",
      because: "but required in type 'SignupEmailUpgrades'",
    },
  ],
  [
    "a step returning the wrong shape (from1 returns version 1's address)",
    {
      source: `${IMPORTS}\nexport default {\n  from1: (job: SignupEmailJobV1) => ({ to: { address: job.to.address } }),\n${FROM2}};\n`,
      code: 2322,
      fragment: "is not assignable to type 'SignupEmailUpgrades'",
      // Version 2's address is a type of its own name: the error says which version's shape was expected.
      because: "Type 'string' is not assignable to type 'SignupEmailV2Address'",
    },
  ],
  [
    "a step whose job parameter asks for more than the older version has (checked strictly, as a function property)",
    {
      source: `${IMPORTS}\nexport default {\n  from1(job: SignupEmailJobV1 & { locale: "en" }): SignupEmailJobV2 {\n    return { to: { address: { email: job.to.address, name: job.locale } } };\n  },\n${FROM2}};\n`,
      code: 2322,
      fragment: "is not assignable to type 'SignupEmailUpgrades'",
      because: "Types of parameters 'job' and 'job' are incompatible",
    },
  ],
];

/** Every diagnostic of the TypeScript 6 compiler API for the project in `dir` (its tsconfig.json). */
function typeScript6Errors(dir: string): FoundError[] {
  const { options, errors } = ts.convertCompilerOptionsFromJson(compilerOptions, dir);
  expect(errors).toEqual([]);
  const program = ts.createProgram([path.join(dir, "generated", "index.ts"), path.join(dir, UPGRADE_MODULE)], options);
  expect(program.getSourceFiles().map((file) => path.relative(dir, file.fileName))).toEqual(
    expect.arrayContaining([UPGRADE_MODULE, QUEUE_MODULE, "generated/signup-email.v1.ts"]),
  );
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ({
    file: diagnostic.file ? path.relative(dir, diagnostic.file.fileName) : "",
    line: diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1 : 0,
    chain: messageChain(diagnostic),
  }));
}

/** The errors of TypeScript 7's native `tsc -p <dir>`: `file(line,column): error TS<code>: <message>`, then indented elaborations. */
async function typeScript7Errors(dir: string): Promise<{ code: number; errors: FoundError[]; stray: string[] }> {
  const tsc = path.join(packageRoot, "node_modules", "typescript-7", "bin", "tsc");
  const run = await promisify(execFile)(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { cwd: dir }).then(
    (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({
      code: failed.code,
      output: failed.stdout + failed.stderr,
    }),
  );
  const errors: FoundError[] = [];
  const stray: string[] = [];
  for (const line of run.output.split("\n").filter((text) => text.trim() !== "")) {
    const head = /^(.+?)\((\d+),\d+\): error TS(\d+): (.*)$/.exec(line);
    if (head)
      errors.push({ file: head[1]!, line: Number(head[2]), chain: [{ code: Number(head[3]), message: head[4]! }] });
    else if (/^\s/.test(line) && errors.length > 0)
      errors.at(-1)!.chain.push({ code: undefined, message: line.trim() });
    else stray.push(line);
  }
  return { code: run.code, errors, stray };
}

/** What the errors must equal: one, on the assignment line, whose head has the code and fragment and whose chain says why. */
function onlyError(line: number, { code, fragment, because }: WrongUpgrades) {
  return [
    {
      file: QUEUE_MODULE,
      line,
      chain: expect.arrayContaining([
        { code, message: expect.stringContaining(fragment) },
        expect.objectContaining({ message: expect.stringContaining(because) }),
      ]),
    },
  ];
}

describe("a versioned queue under strict TypeScript", () => {
  let project: SchemaProject;
  /** The generated project with the user's upgrade module that compiles, and one copy per wrong upgrade module. */
  const caseDir = (name: string) => path.join(project.dir, name);
  let assignmentLine: number;

  beforeAll(async () => {
    project = await createSchemaProject("types-versions", { ...signupSchemas, [UPGRADE_MODULE]: signupUpgrades });
    const outDir = path.join(project.dir, "generated");
    const model = await buildProjectModel({ ...versionedConfig, outDir }, project.configPath);
    await mkdir(outDir, { recursive: true });
    for (const file of await emitProject(model)) await writeFile(path.join(outDir, file.path), file.contents);
    const tsconfig = JSON.stringify({ compilerOptions, files: ["generated/index.ts", UPGRADE_MODULE] }, null, 2);
    await writeFile(path.join(project.dir, "tsconfig.json"), tsconfig);
    for (const [index, [, wrong]] of wrongUpgrades.entries()) {
      const dir = caseDir(`wrong-${index}`);
      await cp(outDir, path.join(dir, "generated"), { recursive: true });
      await mkdir(path.join(dir, "upgrades"), { recursive: true });
      await writeFile(path.join(dir, UPGRADE_MODULE), wrong.source);
      await writeFile(path.join(dir, "tsconfig.json"), tsconfig);
    }
    const lines = (await readFile(path.join(project.dir, QUEUE_MODULE), "utf8")).split("\n");
    assignmentLine = lines.indexOf(ASSIGNMENT) + 1;
  });
  afterAll(() => project.remove());

  // Waits for @pgmq-gen/runtime's createQueueCodec to take `version`, `previousVersions` and `upgrades`.
  it("issue 14 #3: the generated project and the user's upgrade module compile with zero diagnostics under TypeScript 6 (compiler API)", () => {
    expect(typeScript6Errors(project.dir)).toEqual([]);
  });

  it("issue 14 #3: the generated project and the user's upgrade module compile with zero diagnostics under TypeScript 7 (native tsc)", async () => {
    const check = await typeScript7Errors(project.dir);
    expect(check.errors).toEqual([]);
    expect(check.stray).toEqual([]);
    expect(check.code).toBe(0);
  });

  it.each(wrongUpgrades.map(([name], index) => [name, index] as const))(
    "issue 14 #3: an upgrade module with %s fails on the generated assignment, with that error only (TypeScript 6)",
    (_name, index) => {
      expect(assignmentLine).toBeGreaterThan(0);
      expect(typeScript6Errors(caseDir(`wrong-${index}`))).toEqual(onlyError(assignmentLine, wrongUpgrades[index]![1]));
    },
  );

  it.each(wrongUpgrades.map(([name], index) => [name, index] as const))(
    "issue 14 #3: an upgrade module with %s fails on the generated assignment, with that error only (TypeScript 7)",
    async (_name, index) => {
      const check = await typeScript7Errors(caseDir(`wrong-${index}`));
      expect(check.errors).toEqual(onlyError(assignmentLine, wrongUpgrades[index]![1]));
      expect(check.stray).toEqual([]);
      expect(check.code).not.toBe(0);
    },
  );
});

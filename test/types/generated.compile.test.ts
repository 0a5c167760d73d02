/**
 * Type-level promises of the generated API, checked by compiling fixture
 * consumers (test/types/fixtures/) against freshly generated code with both
 * the TypeScript 6 compiler API and the TypeScript 7 native `tsc`. The
 * fixtures' `@ts-expect-error` lines make each misuse a required error.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitProject } from "../../src/emit/project.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { exampleConfig, exampleConfigPath } from "../emit/exampleProject.js";
import { packageRoot } from "../model/schemaProject.js";

const FIXTURES = ["consumer.ts", "expectErrors.ts"];

/**
 * Misuses whose error text is itself the promise: compiled without
 * `@ts-expect-error`, one call a line, so each diagnostic's line says which
 * call it belongs to. `(job) => job.to` must still infer `EmailJob` next to
 * an unknown key: the only errors are the unknown keys'.
 */
const UNKNOWN_QUEUE_CALLS = [
  `import { createWorker } from "../../../generated/index.js";`,
  `createWorker({ sms: () => {} });`,
  `createWorker({ email: (job) => void job.to.at(0)?.toUpperCase(), sms: { handle: () => {} } });`,
];

/** The strict options a user's project would have; `pgmq-gen/runtime` resolves to src/ through the package's own condition. */
const compilerOptions = {
  strict: true,
  noEmit: true,
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  customConditions: ["pgmq-gen-source"],
  types: ["node"],
  skipLibCheck: true,
  noUncheckedIndexedAccess: true,
} as const;

describe("generated code under strict TypeScript", () => {
  // Inside the package, so the fixtures' relative import of ../../../generated and the self-import of pgmq-gen both resolve.
  const dir = path.join(packageRoot, "test", ".tmp", `types-${randomBytes(4).toString("hex")}`);
  const fixtureFiles = FIXTURES.map((name) => path.join(dir, "test", "types", "fixtures", name));
  const unknownQueueFile = path.join(dir, "test", "types", "fixtures", "unknownQueue.ts");

  beforeAll(async () => {
    const model = await buildProjectModel({ ...exampleConfig, outDir: path.join(dir, "generated") }, exampleConfigPath);
    await mkdir(model.outDir, { recursive: true });
    for (const file of await emitProject(model)) await writeFile(path.join(model.outDir, file.path), file.contents);
    await cp(path.join(packageRoot, "test", "types", "fixtures"), path.join(dir, "test", "types", "fixtures"), { recursive: true });
    await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: fixtureFiles.map((file) => path.relative(dir, file)) }, null, 2));
    await writeFile(unknownQueueFile, UNKNOWN_QUEUE_CALLS.join("\n") + "\n");
    await writeFile(
      path.join(dir, "tsconfig.unknownQueue.json"),
      JSON.stringify({ compilerOptions, files: [path.relative(dir, unknownQueueFile)] }, null, 2),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Diagnostics of the TypeScript 6 compiler API, as "file:line message". */
  function typeScript6Diagnostics(files: readonly string[]): { program: ts.Program; diagnostics: string[] } {
    const { options, errors } = ts.convertCompilerOptionsFromJson(compilerOptions, dir);
    expect(errors).toEqual([]);
    const program = ts.createProgram(files, options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const where = diagnostic.file
        ? `${path.relative(dir, diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}`
        : "";
      return `${where} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
    return { program, diagnostics };
  }

  /** `tsc -p <project>` of TypeScript 7 (native): its exit code and its non-empty output lines. */
  async function typeScript7Check(project: string): Promise<{ code: number; lines: string[] }> {
    const tsc = path.join(packageRoot, "node_modules", "typescript-7", "bin", "tsc");
    const check = await promisify(execFile)(process.execPath, [tsc, "-p", path.join(dir, project), "--pretty", "false"], { cwd: dir }).then(
      (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, output: failed.stdout + failed.stderr }),
    );
    return { code: check.code, lines: check.output.split("\n").filter((line) => line.trim() !== "") };
  }

  it("compiles with zero diagnostics under TypeScript 6 (compiler API)", () => {
    const { program, diagnostics } = typeScript6Diagnostics(fixtureFiles);
    expect(diagnostics).toEqual([]);
    // The fixtures really were part of the program (an empty program has no diagnostics either).
    expect(program.getSourceFiles().map((file) => path.relative(dir, file.fileName))).toEqual(
      expect.arrayContaining(["generated/index.ts", "generated/email.validator.ts", "test/types/fixtures/expectErrors.ts"]),
    );
  });

  it("compiles with zero diagnostics under TypeScript 7 (native tsc)", async () => {
    const tsc = path.join(packageRoot, "node_modules", "typescript-7", "bin", "tsc");
    const result = await promisify(execFile)(process.execPath, [tsc, "-p", path.join(dir, "tsconfig.json"), "--pretty", "false", "--listFilesOnly"], {
      cwd: dir,
    });
    expect(result.stdout).toContain("generated/index.ts");
    const check = await typeScript7Check("tsconfig.json");
    expect(check.lines).toEqual([]);
    expect(check.code).toBe(0);
  });

  // The key must be in the first line of the error: that is the line an editor shows and tsc prints.
  const unknownQueueError = (line: number) =>
    new RegExp(`^test/types/fixtures/unknownQueue\\.ts[:(]${line}\\b.*is not assignable to type '"unknown queue sms: pgmq\\.config\\.ts defines email, email_dead, invoice_pdf, resize_image`);

  it("issue 12 #4: createWorker with an unknown queue key names the key, not never (TypeScript 6)", () => {
    const { diagnostics } = typeScript6Diagnostics([unknownQueueFile]);
    expect(diagnostics).toHaveLength(2);
    expect(diagnostics[0]).toMatch(unknownQueueError(2));
    expect(diagnostics[1]).toMatch(unknownQueueError(3));
    for (const diagnostic of diagnostics) expect(diagnostic).not.toContain("'never'");
  });

  it("issue 12 #4: createWorker with an unknown queue key names the key, not never (TypeScript 7)", async () => {
    const check = await typeScript7Check("tsconfig.unknownQueue.json");
    const errors = check.lines.filter((line) => line.includes("error TS"));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(unknownQueueError(2));
    expect(errors[1]).toMatch(unknownQueueError(3));
    for (const line of check.lines) expect(line).not.toContain("'never'");
    expect(check.code).not.toBe(0);
  });
});

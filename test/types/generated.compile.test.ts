/**
 * Type-level promises of the generated API, checked by compiling fixture
 * consumers (test/types/fixtures/) against freshly generated code with both
 * the TypeScript 6 compiler API and the TypeScript 7 native `tsc`. The
 * fixtures' `@ts-expect-error` lines make each misuse a required error; each
 * also names the error it expects (`// @ts-expect-error TS2353 'bcc'`), and a
 * copy with the directives turned into plain comments must fail with exactly
 * those errors on exactly those lines, so a misuse that stops compiling for
 * another reason fails the test.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { type FoundError, messageChain } from "./diagnostics.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strictUserOptions } from "./userCompilerOptions.js";
import { emitProject } from "../../src/emit/project.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { exampleConfig, exampleConfigPath } from "../emit/exampleProject.js";
import { packageRoot } from "../model/schemaProject.js";

const FIXTURES = ["consumer.ts", "expectErrors.ts", "versionedCodec.ts"];

/** A line TypeScript reads as a directive to suppress the next line's errors. */
const SUPPRESSION_DIRECTIVE = /^\s*(?:\/\/\/?|\/?\*+)\s*@ts-(?:expect-error|ignore)\b/;
/** `// @ts-expect-error TS<code> <text of the message with that code>`: a directive that says which error it expects. */
const EXPECT_ERROR_DIRECTIVE = /^\s*\/\/ @ts-expect-error TS(\d+) (\S.*)$/;

/** An error a fixture line must have, and the only one. */
interface ExpectedError {
  /** 1-based line of the misuse: the line after the directive. */
  line: number;
  code: number;
  /** Text the message with that code contains (the error's head, or one of its elaborations). */
  fragment: string;
}

/**
 * The errors `text`'s directives expect. A directive that names no code and
 * fragment is itself an error: it would accept any error.
 */
function expectedErrors(text: string): ExpectedError[] {
  const expected: ExpectedError[] = [];
  text.split("\n").forEach((line, index) => {
    if (!SUPPRESSION_DIRECTIVE.test(line)) return;
    const directive = EXPECT_ERROR_DIRECTIVE.exec(line);
    if (directive === null)
      throw new Error(
        `line ${index + 1}: name the error a suppression expects: // @ts-expect-error TS<code> <message fragment>`,
      );
    expected.push({ line: index + 2, code: Number(directive[1]), fragment: directive[2]!.trim() });
  });
  return expected;
}

/** `text` with its suppression directives turned into plain comments, line for line. */
function withoutSuppressions(text: string): string {
  return text
    .split("\n")
    .map((line) => (SUPPRESSION_DIRECTIVE.test(line) ? line.replace(/@ts-(expect-error|ignore)/, "expects") : line))
    .join("\n");
}

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

/** The strict options a user's project would have. */
const compilerOptions = strictUserOptions;

describe("generated code under strict TypeScript", () => {
  // Inside the package, so the fixtures' relative import of ../../../generated and the self-import of pgmq-gen both resolve.
  const dir = path.join(packageRoot, "test", ".tmp", `types-${randomBytes(4).toString("hex")}`);
  const fixtureFiles = FIXTURES.map((name) => path.join(dir, "test", "types", "fixtures", name));
  const unknownQueueFile = path.join(dir, "test", "types", "fixtures", "unknownQueue.ts");
  // expectErrors.ts without its directives: its misuses must fail with the errors the directives name.
  const unsuppressedFile = path.join(dir, "test", "types", "fixtures", "expectErrors.unsuppressed.ts");
  let expectErrorsText: string;

  beforeAll(async () => {
    const model = await buildProjectModel({ ...exampleConfig, outDir: path.join(dir, "generated") }, exampleConfigPath);
    await mkdir(model.outDir, { recursive: true });
    for (const file of await emitProject(model)) await writeFile(path.join(model.outDir, file.path), file.contents);
    await cp(path.join(packageRoot, "test", "types", "fixtures"), path.join(dir, "test", "types", "fixtures"), {
      recursive: true,
    });
    await writeFile(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions, files: fixtureFiles.map((file) => path.relative(dir, file)) }, null, 2),
    );
    await writeFile(unknownQueueFile, `${UNKNOWN_QUEUE_CALLS.join("\n")}\n`);
    expectErrorsText = await readFile(path.join(packageRoot, "test", "types", "fixtures", "expectErrors.ts"), "utf8");
    await writeFile(unsuppressedFile, withoutSuppressions(expectErrorsText));
    await writeFile(
      path.join(dir, "tsconfig.unsuppressed.json"),
      JSON.stringify({ compilerOptions, files: [path.relative(dir, unsuppressedFile)] }, null, 2),
    );
    await writeFile(
      path.join(dir, "tsconfig.unknownQueue.json"),
      JSON.stringify({ compilerOptions, files: [path.relative(dir, unknownQueueFile)] }, null, 2),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Diagnostics of the TypeScript 6 compiler API, as "file:line message", and its errors. */
  function typeScript6Diagnostics(files: readonly string[]): {
    program: ts.Program;
    diagnostics: string[];
    errors: FoundError[];
  } {
    const { options, errors: optionErrors } = ts.convertCompilerOptionsFromJson(compilerOptions, dir);
    expect(optionErrors).toEqual([]);
    const program = ts.createProgram(files, options);
    const all = ts.getPreEmitDiagnostics(program);
    const where = (diagnostic: ts.Diagnostic) => ({
      file: diagnostic.file ? path.relative(dir, diagnostic.file.fileName) : "",
      line: diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1 : 0,
    });
    const diagnostics = all.map((diagnostic) => {
      const { file, line } = where(diagnostic);
      return `${file ? `${file}:${line}` : ""} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
    const errors = all
      .filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error)
      .map((diagnostic) => ({ ...where(diagnostic), chain: messageChain(diagnostic) }));
    return { program, diagnostics, errors };
  }

  /** `tsc -p <project>` of TypeScript 7 (native): its exit code and its non-empty output lines. */
  async function typeScript7Check(project: string): Promise<{ code: number; lines: string[] }> {
    const tsc = path.join(packageRoot, "node_modules", "typescript-7", "bin", "tsc");
    const check = await promisify(execFile)(
      process.execPath,
      [tsc, "-p", path.join(dir, project), "--pretty", "false"],
      { cwd: dir },
    ).then(
      (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => ({
        code: failed.code,
        output: failed.stdout + failed.stderr,
      }),
    );
    return { code: check.code, lines: check.output.split("\n").filter((line) => line.trim() !== "") };
  }

  /**
   * The errors in `tsc --pretty false` output: `file(line,column): error TS<code>: <message>`, then the
   * elaborations, indented, without their codes.
   */
  function typeScript7Errors(lines: readonly string[]): FoundError[] {
    const errors: FoundError[] = [];
    for (const line of lines) {
      const head = /^(.+?)\((\d+),\d+\): error TS(\d+): (.*)$/.exec(line);
      if (head)
        errors.push({ file: head[1]!, line: Number(head[2]), chain: [{ code: Number(head[3]), message: head[4]! }] });
      else if (/^\s/.test(line) && errors.length > 0)
        errors.at(-1)!.chain.push({ code: undefined, message: line.trim() });
    }
    return errors;
  }

  /**
   * What the errors of `file` must equal: on each expected line one error, one of whose messages
   * has the expected code and contains the fragment; no other error anywhere.
   */
  function onlyExpected(file: string, expected: readonly ExpectedError[]) {
    return expected.map(({ line, code, fragment }) => ({
      file,
      line,
      chain: expect.arrayContaining([{ code, message: expect.stringContaining(fragment) }]),
    }));
  }

  it("compiles with zero diagnostics under TypeScript 6 (compiler API)", () => {
    const { program, diagnostics } = typeScript6Diagnostics(fixtureFiles);
    expect(diagnostics).toEqual([]);
    // The fixtures really were part of the program (an empty program has no diagnostics either).
    expect(program.getSourceFiles().map((file) => path.relative(dir, file.fileName))).toEqual(
      expect.arrayContaining([
        "generated/index.ts",
        "generated/email.validator.ts",
        "test/types/fixtures/expectErrors.ts",
      ]),
    );
  });

  it("compiles with zero diagnostics under TypeScript 7 (native tsc)", async () => {
    const tsc = path.join(packageRoot, "node_modules", "typescript-7", "bin", "tsc");
    const result = await promisify(execFile)(
      process.execPath,
      [tsc, "-p", path.join(dir, "tsconfig.json"), "--pretty", "false", "--listFilesOnly"],
      {
        cwd: dir,
      },
    );
    expect(result.stdout).toContain("generated/index.ts");
    const check = await typeScript7Check("tsconfig.json");
    expect(check.lines).toEqual([]);
    expect(check.code).toBe(0);
  });

  it("issue 13 #5: each @ts-expect-error line fails, without its directive, with the error the directive names and no other (TypeScript 6)", () => {
    const expected = expectedErrors(expectErrorsText);
    expect(expected.length).toBeGreaterThan(0);
    const { errors } = typeScript6Diagnostics([unsuppressedFile]);
    expect(errors).toEqual(onlyExpected(path.relative(dir, unsuppressedFile), expected));
  });

  it("issue 13 #5: each @ts-expect-error line fails, without its directive, with the error the directive names and no other (TypeScript 7)", async () => {
    const expected = expectedErrors(expectErrorsText);
    const check = await typeScript7Check("tsconfig.unsuppressed.json");
    expect(typeScript7Errors(check.lines)).toEqual(onlyExpected(path.relative(dir, unsuppressedFile), expected));
    // Every other line continues an error's message (indented): nothing else went wrong.
    expect(check.lines.filter((line) => !/^\s/.test(line) && !/\): error TS\d+: /.test(line))).toEqual([]);
    expect(check.code).not.toBe(0);
  });

  // The key must be in the first line of the error: that is the line an editor shows and tsc prints.
  const unknownQueueError = (line: number) =>
    new RegExp(
      `^test/types/fixtures/unknownQueue\\.ts[:(]${line}\\b.*is not assignable to type '"unknown queue sms: pgmq\\.config\\.ts defines email, email_dead, invoice_pdf, resize_image`,
    );

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

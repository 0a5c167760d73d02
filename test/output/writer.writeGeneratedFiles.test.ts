import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { GENERATED_MARKER } from "../../src/emit/banner.js";
import { writeGeneratedFiles } from "../../src/output/writer.js";
import { CompileError, CompileErrors } from "../../src/errors.js";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { filesIn } from "../helpers/filesIn.js";

const banner = `${GENERATED_MARKER} from pgmq.config.ts. Do not edit.\n`;
const file = (filePath: string, body: string) => ({ path: filePath, contents: `${banner}${body}\n` });

let project: TempProject;
let outDir: string;
const projects: TempProject[] = [];

beforeEach(async () => {
  project = await createTempProject("writer");
  projects.push(project);
  outDir = project.path("generated");
});
afterAll(async () => {
  for (const each of projects) await each.remove();
});

describe("writeGeneratedFiles", () => {
  it("creates the folders and files, sorted in the result", async () => {
    const result = await writeGeneratedFiles(outDir, [file("queues/email.ts", "a"), file("index.ts", "b")]);
    expect(result).toEqual({ written: ["index.ts", "queues/email.ts"], unchanged: [], removed: [], stale: [] });
    expect(await readFile(path.join(outDir, "queues/email.ts"), "utf8")).toBe(`${banner}a\n`);
    expect(await filesIn(outDir)).toEqual(["index.ts", "queues/email.ts"]);
  });

  it("rewrites only the files whose bytes changed, replacing them (new inode) rather than editing in place", async () => {
    await writeGeneratedFiles(outDir, [file("a.ts", "1"), file("b.ts", "1")]);
    const before = { a: await stat(path.join(outDir, "a.ts")), b: await stat(path.join(outDir, "b.ts")) };
    const result = await writeGeneratedFiles(outDir, [file("a.ts", "1"), file("b.ts", "2")]);
    expect(result).toEqual({ written: ["b.ts"], unchanged: ["a.ts"], removed: [], stale: [] });
    const after = { a: await stat(path.join(outDir, "a.ts")), b: await stat(path.join(outDir, "b.ts")) };
    expect(after.a.ino).toBe(before.a.ino);
    expect(after.a.mtimeMs).toBe(before.a.mtimeMs);
    expect(after.b.ino).not.toBe(before.b.ino);
    expect(await readFile(path.join(outDir, "b.ts"), "utf8")).toBe(`${banner}2\n`);
    expect(await filesIn(outDir)).toEqual(["a.ts", "b.ts"]);
  });

  it("removes generated files no longer produced, and folders they leave empty, but keeps user files", async () => {
    await writeGeneratedFiles(outDir, [file("keep.ts", "k"), file("old/gone.ts", "g"), file("gone.ts", "g")]);
    await writeFile(path.join(outDir, "user-notes.ts"), "// my own helper\nexport const x = 1;\n");
    await writeFile(path.join(outDir, "mentions-banner.ts"), `const note = "${GENERATED_MARKER}";\n`);
    const result = await writeGeneratedFiles(outDir, [file("keep.ts", "k")]);
    expect(result).toEqual({ written: [], unchanged: ["keep.ts"], removed: ["gone.ts", "old/gone.ts"], stale: [] });
    expect(await filesIn(outDir)).toEqual(["keep.ts", "mentions-banner.ts", "user-notes.ts"]);
    expect(await readdir(outDir)).not.toContain("old");
  });

  it("writes nothing in check mode and lists changed, missing and to-be-removed files as stale", async () => {
    await writeGeneratedFiles(outDir, [file("same.ts", "s"), file("changed.ts", "1"), file("extra.ts", "x")]);
    await writeFile(path.join(outDir, "user.ts"), "export {};\n");
    const before = await Promise.all(
      ["same.ts", "changed.ts", "extra.ts"].map((name) => stat(path.join(outDir, name))),
    );
    const result = await writeGeneratedFiles(
      outDir,
      [file("same.ts", "s"), file("changed.ts", "2"), file("new/missing.ts", "m")],
      { check: true },
    );
    expect(result).toEqual({
      written: [],
      unchanged: ["same.ts"],
      removed: [],
      stale: ["changed.ts", "extra.ts", "new/missing.ts"],
    });
    expect(await filesIn(outDir)).toEqual(["changed.ts", "extra.ts", "same.ts", "user.ts"]);
    expect(await readFile(path.join(outDir, "changed.ts"), "utf8")).toBe(`${banner}1\n`);
    const after = await Promise.all(["same.ts", "changed.ts", "extra.ts"].map((name) => stat(path.join(outDir, name))));
    expect(after.map((each) => each.mtimeMs)).toEqual(before.map((each) => each.mtimeMs));
  });

  it("reports a fresh tree in check mode with nothing stale, and a missing outDir as all stale", async () => {
    expect(await writeGeneratedFiles(outDir, [file("a.ts", "1")], { check: true })).toEqual({
      written: [],
      unchanged: [],
      removed: [],
      stale: ["a.ts"],
    });
    await expect(stat(outDir)).rejects.toMatchObject({ code: "ENOENT" });
    await writeGeneratedFiles(outDir, [file("a.ts", "1")]);
    expect(await writeGeneratedFiles(outDir, [file("a.ts", "1")], { check: true })).toEqual({
      written: [],
      unchanged: ["a.ts"],
      removed: [],
      stale: [],
    });
  });

  it("removes a temp file left behind by a crash, since it carries the banner", async () => {
    await mkdir(outDir, { recursive: true });
    await writeFile(path.join(outDir, ".a.ts.0123456789ab.tmp"), `${banner}half`);
    const result = await writeGeneratedFiles(outDir, [file("a.ts", "1")]);
    expect(result.removed).toEqual([".a.ts.0123456789ab.tmp"]);
    expect(await filesIn(outDir)).toEqual(["a.ts"]);
  });

  it("round two #2: refuses to overwrite a file without the banner, naming it, and then writes nothing at all", async () => {
    await mkdir(outDir, { recursive: true });
    await writeFile(path.join(outDir, "index.ts"), "export const handWritten = true;\n");
    await writeFile(path.join(outDir, "old.ts"), `${banner}stale\n`);
    const attempt = writeGeneratedFiles(outDir, [file("a.ts", "1"), file("index.ts", "2")], {
      displayFrom: project.dir,
    });
    await expect(attempt).rejects.toThrow(CompileError);
    await expect(attempt).rejects.toThrow(
      /^generated\/index\.ts \(option outDir\): .*was not generated by pgmq-gen.*choose another outDir, or move or delete the file/,
    );
    // Nothing written, nothing removed: the stale generated file is still there too.
    expect(await filesIn(outDir)).toEqual(["index.ts", "old.ts"]);
    expect(await readFile(path.join(outDir, "index.ts"), "utf8")).toBe("export const handWritten = true;\n");
  });

  it("round two #2: lists every refused file at once, a folder in the way included", async () => {
    await mkdir(path.join(outDir, "b.ts"), { recursive: true });
    await writeFile(path.join(outDir, "a.ts"), "");
    const error = await writeGeneratedFiles(outDir, [file("a.ts", "1"), file("b.ts", "2"), file("c.ts", "3")]).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CompileErrors);
    expect((error as CompileErrors).errors.map((each) => each.location.file)).toEqual([
      path.relative(process.cwd(), path.join(outDir, "a.ts")),
      path.relative(process.cwd(), path.join(outDir, "b.ts")),
    ]);
    expect((error as CompileErrors).errors[1]!.problem).toMatch(/is a folder/);
    await expect(stat(path.join(outDir, "c.ts"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("round two #2: check mode refuses the same way instead of calling the user's file stale", async () => {
    await mkdir(outDir, { recursive: true });
    await writeFile(path.join(outDir, "index.ts"), "export {};\n");
    await expect(writeGeneratedFiles(outDir, [file("index.ts", "2")], { check: true })).rejects.toThrow(
      /was not generated by pgmq-gen/,
    );
    expect(await readFile(path.join(outDir, "index.ts"), "utf8")).toBe("export {};\n");
  });

  it("round two (hostile) #10: removes only stale files of the extensions it writes, never a user's notes.md that starts with the banner", async () => {
    await writeGeneratedFiles(outDir, [file("a.ts", "1"), file("gone.ts", "g")]);
    await writeFile(path.join(outDir, "notes.md"), `${banner}My notes on the generated code.\n`);
    await writeFile(path.join(outDir, "data.json"), `${banner}{}\n`);
    expect((await writeGeneratedFiles(outDir, [file("a.ts", "1")], { check: true })).stale).toEqual(["gone.ts"]);
    const result = await writeGeneratedFiles(outDir, [file("a.ts", "1")]);
    expect(result.removed).toEqual(["gone.ts"]);
    expect(await filesIn(outDir)).toEqual(["a.ts", "data.json", "notes.md"]);
    expect(await readFile(path.join(outDir, "notes.md"), "utf8")).toBe(`${banner}My notes on the generated code.\n`);
  });

  it("round two (hostile) #10: keeps the files another config generated into the same outDir, and check mode does not call them stale", async () => {
    const otherBanner = `${GENERATED_MARKER} from other.config.ts. Do not edit.\n`;
    await mkdir(path.join(outDir, "other"), { recursive: true });
    await writeFile(path.join(outDir, "b.ts"), `${otherBanner}b\n`);
    await writeFile(path.join(outDir, "other/c.validator.ts"), `${otherBanner}c\n`);
    await writeFile(path.join(outDir, "bare.ts"), `${GENERATED_MARKER}\nwhose?\n`);
    await writeGeneratedFiles(outDir, [file("a.ts", "1"), file("gone.ts", "g")]);
    expect(await writeGeneratedFiles(outDir, [file("a.ts", "1")], { check: true })).toEqual({
      written: [],
      unchanged: ["a.ts"],
      removed: [],
      stale: ["gone.ts"],
    });
    expect((await writeGeneratedFiles(outDir, [file("a.ts", "1")])).removed).toEqual(["gone.ts"]);
    expect(await filesIn(outDir)).toEqual(["a.ts", "b.ts", "bare.ts", "other/c.validator.ts"]);
    expect(await readFile(path.join(outDir, "b.ts"), "utf8")).toBe(`${otherBanner}b\n`);
  });

  it("round two (hostile) #10: refuses to overwrite a file another config generated, naming both configs, and writes nothing", async () => {
    const otherBanner = `${GENERATED_MARKER} from other.config.ts. Do not edit.\n`;
    await mkdir(outDir, { recursive: true });
    await writeFile(path.join(outDir, "index.ts"), `${otherBanner}other's index\n`);
    await writeFile(path.join(outDir, "old.ts"), `${banner}stale\n`);
    for (const check of [false, true]) {
      const attempt = writeGeneratedFiles(outDir, [file("a.ts", "1"), file("index.ts", "2")], {
        displayFrom: project.dir,
        check,
      });
      await expect(attempt).rejects.toThrow(CompileError);
      await expect(attempt).rejects.toThrow(
        /^generated\/index\.ts \(option outDir\): this file was generated from other\.config\.ts, not from pgmq\.config\.ts.*give each config its own outDir/,
      );
    }
    expect(await filesIn(outDir)).toEqual(["index.ts", "old.ts"]);
    expect(await readFile(path.join(outDir, "index.ts"), "utf8")).toBe(`${otherBanner}other's index\n`);
  });

  it.each([["../escape.ts"], ["/abs.ts"], ["a/../../escape.ts"]])(
    "rejects the path %s that leaves outDir",
    async (badPath) => {
      await expect(writeGeneratedFiles(outDir, [file(badPath, "x")])).rejects.toThrow(/stay inside/);
    },
  );
});

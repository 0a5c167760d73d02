import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../config/tempProject.js";
import { runCli } from "./runCli.js";

describe("pgmq-gen command line", () => {
  it.each([["--help"], ["-h"], ["migrate", "--help"]])("%s prints the usage and exits 0", async (...args) => {
    const run = await runCli(args, { cwd: packageRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage:\n {2}pgmq-gen \[generate\]/);
    expect(run.stdout).toContain("pgmq-gen migrate");
    expect(run.stderr).toBe("");
  });

  it("--version prints the version from package.json", async () => {
    const { version } = JSON.parse(await readFile(path.join(packageRoot, "package.json"), "utf8")) as { version: string };
    const run = await runCli(["--version"], { cwd: packageRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  const usageErrors: [args: string[], fragment: string][] = [
    [["--frobnicate"], "Unknown option '--frobnicate'"],
    [["deploy"], 'unknown command "deploy"'],
    [["generate", "extra"], 'unexpected argument "extra"'],
    [["--check", "--watch"], "--check and --watch cannot be combined"],
    [["migrate", "--check"], "option --check does not apply to migrate"],
    [["generate", "--dry-run"], "option --dry-run does not apply to generate"],
    [["--config"], "argument missing"],
  ];

  it.each(usageErrors)("%j is a usage error: exit 2 with the reason and the usage on stderr", async (args, fragment) => {
    const run = await runCli(args, { cwd: packageRoot });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(fragment);
    expect(run.stderr).toContain("Usage:");
  });
});

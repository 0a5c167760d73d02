import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot, type TempProject } from "../config/tempProject.js";
import { createFixtureProject } from "./fixtureProject.js";
import { runCli } from "./runCli.js";

const projects: TempProject[] = [];
afterAll(async () => {
  for (const project of projects) await project.remove();
});

describe("pgmq-gen command line", () => {
  it.each([["--help"], ["-h"], ["migrate", "--help"]])("%s prints the usage and exits 0", async (...args) => {
    const run = await runCli(args, { cwd: packageRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage:\n {2}pgmq-gen \[generate\]/);
    expect(run.stdout).toContain("pgmq-gen migrate");
    expect(run.stdout).toMatch(/^ {2}pgmq-gen \[generate\] .*\[--no-cache\]$/m);
    expect(run.stdout).toMatch(/^ +--no-cache +\S/m);
    expect(run.stderr).toBe("");
  });

  it("generate accepts --no-cache, alone and with --check, and then neither reads nor saves the cache", async () => {
    const project = await createFixtureProject("cli-usage-no-cache");
    projects.push(project);
    const runs: [args: string[], stdout: RegExp][] = [
      [["generate", "--no-cache"], /^pgmq-gen: 2 queues, \d+ files written, 0 unchanged, 0 removed \(\d+ ms\)\n$/],
      [["--no-cache", "--check"], /^pgmq-gen: \d+ generated files up to date, 2 queues \(\d+ ms\)\n$/],
      [["generate", "--check", "--no-cache", "--config", "pgmq.config.ts"], /^pgmq-gen: \d+ generated files up to date, 2 queues \(\d+ ms\)\n$/],
    ];
    for (const [args, stdout] of runs) {
      const run = await runCli(args, { cwd: project.dir });
      expect(run.stderr, args.join(" ")).toBe("");
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout, args.join(" ")).toMatch(stdout);
    }
    // (jiti, loading pgmq.config.ts, keeps its own cache in node_modules/.cache/jiti.)
    expect(await readdir(project.path("node_modules"), { recursive: true })).not.toContainEqual(expect.stringMatching(/pgmq-gen/));
    // Without the flag the same project does get its cache: the check above can fail.
    expect((await runCli([], { cwd: project.dir })).code).toBe(0);
    expect(await readdir(project.path("node_modules/.cache/pgmq-gen"))).toHaveLength(1);
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
    [["migrate", "--no-cache"], "option --no-cache does not apply to migrate"],
    [["migrate", "--dry-run", "--no-cache"], "option --no-cache does not apply to migrate"],
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

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
  it.each([["--help"], ["-h"], ["help"]])("%s prints the usage of every command and exits 0", async (...args) => {
    const run = await runCli(args, { cwd: packageRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage:\n {2}pgmq-gen \[generate\]/);
    expect(run.stdout).toContain("pgmq-gen migrate");
    expect(run.stdout).toMatch(/^ {2}pgmq-gen \[generate\] .*\[--no-cache\]$/m);
    expect(run.stderr).toBe("");
  });

  it("generate accepts --no-cache, alone and with --check, and then neither reads nor saves the cache", async () => {
    const project = await createFixtureProject("cli-usage-no-cache");
    projects.push(project);
    const runs: [args: string[], stdout: RegExp][] = [
      [
        ["generate", "--no-cache"],
        /^pgmq-gen: 2 queues, \d+ files written, 0 unchanged, 0 removed \(\d+ ms\)\npgmq-gen: pgmq\.lock\.json: recorded email, resize_image\n$/,
      ],
      [["--no-cache", "--check"], /^pgmq-gen: \d+ generated files up to date, 2 queues \(\d+ ms\)\n$/],
      [
        ["generate", "--check", "--no-cache", "--config", "pgmq.config.ts"],
        /^pgmq-gen: \d+ generated files up to date, 2 queues \(\d+ ms\)\n$/,
      ],
    ];
    for (const [args, stdout] of runs) {
      const run = await runCli(args, { cwd: project.dir });
      expect(run.stderr, args.join(" ")).toBe("");
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout, args.join(" ")).toMatch(stdout);
    }
    // (jiti, loading pgmq.config.ts, keeps its own cache in node_modules/.cache/jiti.)
    expect(await readdir(project.path("node_modules"), { recursive: true })).not.toContainEqual(
      expect.stringMatching(/pgmq-gen/),
    );
    // Without the flag the same project does get its cache: the check above can fail.
    expect((await runCli([], { cwd: project.dir })).code).toBe(0);
    expect(await readdir(project.path("node_modules/.cache/pgmq-gen"))).toHaveLength(1);
  });

  it("--version prints the version from package.json", async () => {
    const { version } = JSON.parse(await readFile(path.join(packageRoot, "package.json"), "utf8")) as {
      version: string;
    };
    const run = await runCli(["--version"], { cwd: packageRoot });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  const usageErrors: [args: string[], message: string, help: string][] = [
    [["--frobnicate"], "unknown option --frobnicate", "pgmq-gen help generate"],
    [
      ["deploy"],
      'unknown command "deploy"; the commands are generate, migrate, dev, diff, versions, status, prune, dlq, job, dashboard, help',
      "pgmq-gen help",
    ],
    [["generate", "extra"], 'unexpected argument "extra"', "pgmq-gen help generate"],
    [["--check", "--watch"], "--check and --watch cannot be combined", "pgmq-gen help generate"],
    [
      ["--check", "--write-previous"],
      "--check writes nothing, so it cannot be combined with --write-previous",
      "pgmq-gen help generate",
    ],
    [["migrate", "--check"], "option --check does not apply to migrate", "pgmq-gen help migrate"],
    [["migrate", "--no-cache"], "option --no-cache does not apply to migrate", "pgmq-gen help migrate"],
    [["migrate", "--dry-run", "--no-cache"], "option --no-cache does not apply to migrate", "pgmq-gen help migrate"],
    [["generate", "--dry-run"], "option --dry-run does not apply to generate", "pgmq-gen help generate"],
    [["dev", "--check"], "option --check does not apply to dev", "pgmq-gen help dev"],
    [["--config"], "option --config needs a value: --config <path>", "pgmq-gen help generate"],
    [["--config", "--check"], "option --config needs a value: --config <path>", "pgmq-gen help generate"],
    [
      ["migrate", "--database-url="],
      "option --database-url needs a value: --database-url <url>",
      "pgmq-gen help migrate",
    ],
    [["--check=yes"], "option --check takes no value", "pgmq-gen help generate"],
    [["dev", "--port", "http"], 'option --port needs a port number from 1 to 65535, not "http"', "pgmq-gen help dev"],
    [["dev", "--port", "70000"], 'option --port needs a port number from 1 to 65535, not "70000"', "pgmq-gen help dev"],
    [["help", "generate", "migrate"], 'unexpected argument "migrate"', "pgmq-gen help help"],
  ];

  it.each(usageErrors)(
    "issue 12 #4: %j is a usage error: exit 2, the reason, the command's usage line and where its help is",
    async (args, message, help) => {
      const run = await runCli(args, { cwd: packageRoot });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines[0]).toBe(`pgmq-gen: ${message}`);
      expect(lines.at(-1)).toContain(`\`${help}\``);
      const command = help.split(" ")[2];
      if (command !== undefined) expect(lines[1]).toMatch(new RegExp(`^Usage: pgmq-gen \\[?${command}`));
      else expect(lines).toHaveLength(2);
    },
  );
});

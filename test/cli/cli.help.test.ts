/**
 * What the CLI says when asked for help, and when a name is misspelled: its
 * own words, with a "did you mean", never node's argument parser's.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_SEARCH_PLACES, PACKAGE_JSON_KEY } from "../../src/config/load.js";
import { packageRoot } from "../config/tempProject.js";
import { runCli } from "./runCli.js";

const misspellings: [args: string[], message: string, help: string][] = [
  [["--chek"], "unknown option --chek; did you mean --check?", "pgmq-gen help generate"],
  [["generat"], 'unknown command "generat"; did you mean generate?', "pgmq-gen help"],
  [["generate", "--no-cahce"], "unknown option --no-cahce; did you mean --no-cache?", "pgmq-gen help generate"],
  [["migrate", "--dry-rn"], "unknown option --dry-rn; did you mean --dry-run?", "pgmq-gen help migrate"],
  [
    ["migrate", "--databse-url", "postgres://x"],
    "unknown option --databse-url; did you mean --database-url?",
    "pgmq-gen help migrate",
  ],
  [["dev", "--prot", "5433"], "unknown option --prot; did you mean --port?", "pgmq-gen help dev"],
  [["--confg", "pgmq.config.ts"], "unknown option --confg; did you mean --config?", "pgmq-gen help"],
  [["mirgate"], 'unknown command "mirgate"; did you mean migrate?', "pgmq-gen help"],
  [["help", "migrat"], 'unknown command "migrat"; did you mean migrate?', "pgmq-gen help"],
  [["diff", "a.json", "b.json", "--mdoe", "full"], "unknown option --mdoe; did you mean --mode?", "pgmq-gen help diff"],
  [["dif", "a.json", "b.json"], 'unknown command "dif"; did you mean diff?', "pgmq-gen help"],
  [
    ["help", "nosuch"],
    'unknown command "nosuch"; the commands are generate, migrate, dev, diff, versions, status, prune, dlq, job, dashboard, help',
    "pgmq-gen help",
  ],
];

/** Each command's own options, and options of other commands its help must not list. */
const commandOptions: { command: string; own: string[]; foreign: string[] }[] = [
  {
    command: "generate",
    own: ["--config <path>", "--check", "--watch", "--write-previous", "--no-cache", "--help"],
    foreign: ["--dry-run", "--database-url", "--port", "--version"],
  },
  {
    command: "migrate",
    own: ["--config <path>", "--database-url <url>", "--dry-run", "--help"],
    foreign: ["--check", "--watch", "--write-previous", "--no-cache", "--port"],
  },
  {
    command: "dev",
    own: ["--config <path>", "--port <n>", "--help"],
    foreign: ["--check", "--watch", "--no-cache", "--dry-run", "--database-url"],
  },
  {
    command: "diff",
    own: ["--mode <mode>", "--json", "--help"],
    foreign: ["--config", "--check", "--watch", "--no-cache", "--dry-run", "--database-url", "--port"],
  },
  {
    command: "versions",
    own: ["--config <path>", "--database-url <url>", "--json", "--help"],
    foreign: ["--check", "--watch", "--no-cache", "--dry-run", "--port", "--mode"],
  },
  {
    command: "status",
    own: [
      "--all",
      "--config <path>",
      "--database-url <url>",
      "--json",
      "--watch",
      "--interval <time>",
      "--count-cap <n>",
      "--help",
    ],
    foreign: ["--check", "--no-cache", "--dry-run", "--port", "--mode"],
  },
  {
    command: "prune",
    own: [
      "--config <path>",
      "--database-url <url>",
      "--older-than <duration>",
      "--dry-run",
      "--batch-size <n>",
      "--help",
    ],
    foreign: ["--check", "--no-cache", "--port", "--mode", "--json", "--watch", "--all"],
  },
  {
    command: "dlq",
    own: [
      "--config <path>",
      "--database-url <url>",
      "--id <id>",
      "--reason <text>",
      "--older-than <duration>",
      "--limit <n>",
      "--batch-size <n>",
      "--dry-run",
      "--yes",
      "--json",
      "--help",
    ],
    foreign: ["--check", "--watch", "--no-cache", "--port", "--mode", "--force"],
  },
  {
    command: "job",
    own: ["--config <path>", "--database-url <url>", "--json", "--yes", "--force", "--help"],
    foreign: ["--check", "--watch", "--no-cache", "--port", "--mode", "--dry-run", "--reason", "--older-than"],
  },
  { command: "help", own: ["--help"], foreign: ["--config", "--check", "--port", "--mode", "--json"] },
];

describe("pgmq-gen help", () => {
  it.each(misspellings)(
    "issue 12 #4: %j gets a did-you-mean, exit 2 and a pointer to the help",
    async (args, message, help) => {
      const run = await runCli(args, { cwd: packageRoot });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.split("\n")[0]).toBe(`pgmq-gen: ${message}`);
      expect(run.stderr.trimEnd().split("\n").at(-1)).toContain(`\`${help}\``);
    },
  );

  it.each(commandOptions)(
    "issue 12 #4: help $command, $command --help and $command -h print that command's help: usage line, what it does, its options only",
    async ({ command, own, foreign }) => {
      const runs = await Promise.all(
        [
          ["help", command],
          [command, "--help"],
          [command, "-h"],
        ].map((args) => runCli(args, { cwd: packageRoot })),
      );
      for (const run of runs) {
        expect(run.code).toBe(0);
        expect(run.stderr).toBe("");
        expect(run.stdout).toBe(runs[0]!.stdout);
      }
      const [usage, blank, ...rest] = runs[0]!.stdout.split("\n");
      expect(usage).toMatch(new RegExp(`^Usage: pgmq-gen \\[?${command}\\b`));
      expect(blank).toBe("");
      expect(rest[0]).toMatch(/^[A-Z]\w+s /); // What it does, in a sentence: "Compiles ...", "Starts ...".
      const options = rest.slice(rest.indexOf("Options:") + 1).join("\n");
      for (const option of own)
        expect(options).toMatch(new RegExp(`^ {2}(-\\w, | {4})${option.replace(/[<>]/g, "\\$&")} +\\S`, "m"));
      for (const option of foreign) expect(runs[0]!.stdout).not.toContain(option);
    },
  );

  it("issue 12 #4: pgmq-gen --help lists every command with what it does; help and --help agree", async () => {
    const [top, help] = await Promise.all([
      runCli(["--help"], { cwd: packageRoot }),
      runCli(["help"], { cwd: packageRoot }),
    ]);
    expect(top.code).toBe(0);
    expect(help.stdout).toBe(top.stdout);
    const commands = top.stdout.slice(top.stdout.indexOf("Commands:\n"), top.stdout.indexOf("\n\nOptions:"));
    expect(
      commands
        .split("\n")
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[0]),
    ).toEqual(["generate", "migrate", "dev", "diff", "versions", "status", "prune", "dlq", "job", "dashboard", "help"]);
    expect(top.stdout).toContain("pgmq-gen help <command>");
    expect(top.stdout).toMatch(/^ {2}pgmq-gen dev \[--config <path>\] \[--port <n>\]$/m);
    expect(top.stdout).toMatch(
      /^ {2}pgmq-gen diff <old\.schema\.json> <new\.schema\.json> \[--mode backward\|forward\|full\] \[--json\]$/m,
    );
  });

  it("issue 12 #4: the config files --help and the README name are the ones the config loader searches", async () => {
    const fileNames = CONFIG_SEARCH_PLACES.filter((place) => place !== "package.json");
    const spelled = `pgmq.config.{${fileNames.map((name) => name.replace("pgmq.config.", "")).join(",")}}`;
    const help = await runCli(["help", "generate"], { cwd: packageRoot });
    const readme = await readFile(path.join(packageRoot, "README.md"), "utf8");
    for (const [where, text] of [
      ["generate's help", help.stdout],
      ["README", readme],
    ] as const) {
      const listed = text.match(/pgmq\.config\.\{[^}]*\}/g) ?? [];
      expect(listed.length, where).toBeGreaterThan(0);
      for (const each of listed) expect(each, where).toBe(spelled);
      expect(text, where).toMatch(new RegExp(`"${PACKAGE_JSON_KEY}"\`? key in \`?package\\.json`));
    }
    expect(CONFIG_SEARCH_PLACES).toContain("package.json");
  });
});

/**
 * Generator benchmark: 200 queues with realistic schemas (five shapes, both
 * dialects, cross-file `$ref`s into one shared file), in a temporary project.
 * Every figure is one `pgmq-gen` command as a user's build step or CI runs
 * it: a fresh `node dist/cli/main.js` process, so module loading counts.
 *
 * - cold generate: empty output folder and no build cache (a fresh clone's
 *   first build);
 * - `--check`: right after, with the build cache that generate saved (the
 *   edit-check loop, a pre-commit hook, CI that keeps node_modules/.cache);
 * - `--check --no-cache`: the same check compiling every schema again (CI on
 *   a fresh clone without a cache).
 *
 *   tsx bench/generator/run.ts [--queues 200] [--reps 3] [--json]
 *
 * dist/ is rebuilt first (`npm run build`, not timed), so the
 * figures are those of the sources in the tree. With --json the last line is
 * `{"coldGenerateSeconds": [..], "checkSeconds": [..], "checkNoCacheSeconds": [..]}`,
 * one sample per repetition (read by bench/generatorFigures.ts).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "../stats.js";
import { queueSchemas, commonSchema, type QueueSetup } from "./schemas.js";

const { values } = parseArgs({
  options: {
    queues: { type: "string", default: "200" },
    reps: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const queueCount = Number(values.queues);
const reps = Number(values.reps);
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
const cli = path.join(packageRoot, "dist", "cli", "main.js");
const dir = path.join(packageRoot, "bench", ".tmp", `generator-${randomBytes(4).toString("hex")}`);

async function writeProject(setups: readonly QueueSetup[]): Promise<void> {
  await mkdir(path.join(dir, "schemas"), { recursive: true });
  // The project's own node_modules, so its build cache is its own (node_modules/.cache/pgmq-gen).
  await mkdir(path.join(dir, "node_modules"), { recursive: true });
  await writeFile(path.join(dir, "schemas", "common.schema.json"), JSON.stringify(commonSchema, null, 2));
  const queues: Record<string, unknown> = {};
  for (const setup of setups) {
    await writeFile(path.join(dir, "schemas", `${setup.key}.schema.json`), JSON.stringify(setup.schema, null, 2));
    queues[setup.key] = { schema: `${setup.key}.schema.json`, ...setup.options };
  }
  await writeFile(path.join(dir, "pgmq.config.json"), JSON.stringify({ queues }, null, 2));
}

/** Runs the CLI once and returns its wall-clock seconds; any exit code but 0 fails the benchmark. */
function timeCli(...args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, "--config", "pgmq.config.json", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0)
    throw new Error(
      `pgmq-gen ${args.join(" ")} exited with ${result.status}: ${(result.stderr || result.stdout).slice(-500)}`,
    );
  return Math.round(seconds * 1000) / 1000;
}

const figures = {
  coldGenerateSeconds: [] as number[],
  checkSeconds: [] as number[],
  checkNoCacheSeconds: [] as number[],
};
try {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: packageRoot, stdio: ["ignore", "ignore", "inherit"] });
  await writeProject(queueSchemas(queueCount));
  for (let rep = 0; rep < reps; rep++) {
    await rm(path.join(dir, "generated"), { recursive: true, force: true });
    await rm(path.join(dir, "node_modules", ".cache"), { recursive: true, force: true });
    figures.coldGenerateSeconds.push(timeCli());
    figures.checkSeconds.push(timeCli("--check"));
    figures.checkNoCacheSeconds.push(timeCli("--check", "--no-cache"));
  }
  const show = (samples: number[]) => `${median(samples).toFixed(2)}s (${samples.map((s) => s.toFixed(2)).join(", ")})`;
  console.log(
    `queues:               ${queueCount} (${queueCount * 2 + 1} files), ${reps} repetitions, median (samples)`,
  );
  console.log(`cold generate:        ${show(figures.coldGenerateSeconds)}`);
  console.log(`--check:              ${show(figures.checkSeconds)}`);
  console.log(`--check --no-cache:   ${show(figures.checkNoCacheSeconds)}`);
  if (values.json) console.log(JSON.stringify(figures));
} finally {
  await rm(dir, { recursive: true, force: true });
}

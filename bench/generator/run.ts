/**
 * Generator benchmark: 200 queues with realistic schemas (five shapes, both
 * dialects, cross-file `$ref`s into one shared file), generated into a
 * temporary project. Reports the cold generate (compiler modules loaded and
 * every file written into an empty outDir) and `--check` (same input, nothing
 * to write) in seconds.
 *
 *   tsx bench/generator/run.ts [--queues 200] [--json]
 *
 * With --json the last line is `{"coldGenerateSeconds": n, "checkSeconds": n}`
 * (read by bench/generatorFigures.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { queueSchemas, commonSchema, type QueueSetup } from "./schemas.js";

const { values } = parseArgs({ options: { queues: { type: "string", default: "200" }, json: { type: "boolean", default: false } } });
const queueCount = Number(values.queues);
const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
const dir = path.join(packageRoot, "bench", ".tmp", `generator-${randomBytes(4).toString("hex")}`);

async function writeProject(setups: readonly QueueSetup[]): Promise<void> {
  await mkdir(path.join(dir, "schemas"), { recursive: true });
  await writeFile(path.join(dir, "schemas", "common.schema.json"), JSON.stringify(commonSchema, null, 2));
  const queues: Record<string, unknown> = {};
  for (const setup of setups) {
    await writeFile(path.join(dir, "schemas", `${setup.key}.schema.json`), JSON.stringify(setup.schema, null, 2));
    queues[setup.key] = { schema: `${setup.key}.schema.json`, ...setup.options };
  }
  await writeFile(path.join(dir, "pgmq.config.json"), JSON.stringify({ queues }, null, 2));
}

function seconds(start: number): number {
  return Math.round((performance.now() - start) / 10) / 100;
}

try {
  await writeProject(queueSchemas(queueCount));
  const coldStart = performance.now();
  const { generate } = await import("../../src/compiler.js");
  const cold = await generate({ cwd: dir, configPath: "pgmq.config.json" });
  const coldGenerateSeconds = seconds(coldStart);
  const checkStart = performance.now();
  const check = await generate({ cwd: dir, configPath: "pgmq.config.json", check: true });
  const checkSeconds = seconds(checkStart);
  if (check.write.stale.length > 0) throw new Error(`--check found stale files right after generating: ${check.write.stale.join(", ")}`);

  console.log(`queues:         ${cold.queueCount}`);
  console.log(`files written:  ${cold.write.written.length}`);
  console.log(`cold generate:  ${coldGenerateSeconds}s`);
  console.log(`--check:        ${checkSeconds}s`);
  if (values.json) console.log(JSON.stringify({ coldGenerateSeconds, checkSeconds }));
} finally {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Workload 6, the generator (200 queues: cold generate, `--check`), is
 * measured by bench/generator/run.ts, which the compiler's owners write. This
 * runs it, when it exists, in its own process (with `--json`) and reads its
 * two figures from the JSON lines it prints: preferably
 * `{"coldGenerateSeconds": n, "checkSeconds": n}`; any numeric keys naming
 * "cold" and "check" are accepted, in milliseconds when the key says "ms".
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const scriptPath = fileURLToPath(new URL("./generator/run.ts", import.meta.url));

export interface GeneratorFigures {
  coldGenerateSeconds: number;
  checkSeconds: number;
}

export type GeneratorOutcome = { figures: GeneratorFigures } | { error: string };

export async function measureGenerator(): Promise<GeneratorOutcome> {
  if (!existsSync(scriptPath)) return { error: "bench/generator/run.ts does not exist yet" };
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", scriptPath, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  if (code !== 0) return { error: `exited with ${code}: ${(stderr || stdout).trim().slice(-500)}` };
  let cold: number | undefined;
  let check: number | undefined;
  for (const line of stdout.split("\n")) {
    if (!line.trim().startsWith("{")) continue;
    try {
      collectFigures(JSON.parse(line) as unknown, (key, seconds) => {
        if (/cold/i.test(key)) cold = seconds;
        else if (/check/i.test(key)) check = seconds;
      });
    } catch {
      // not JSON after all
    }
  }
  if (cold !== undefined && check !== undefined) return { figures: { coldGenerateSeconds: cold, checkSeconds: check } };
  return { error: `no cold-generate and --check figures in its JSON output: ${stdout.trim().slice(-300)}` };
}

/** Visits every numeric field (nested too), converted to seconds when its key says milliseconds. */
function collectFigures(value: unknown, visit: (key: string, seconds: number) => void, path = ""): void {
  if (value === null || typeof value !== "object") return;
  for (const [key, field] of Object.entries(value)) {
    const name = path ? `${path}.${key}` : key;
    if (typeof field === "number") visit(name, /ms|millis/i.test(key) ? field / 1000 : field);
    else collectFigures(field, visit, name);
  }
}

/**
 * Workload 6, the generator (200 queues: cold generate, `--check`), is
 * measured by bench/generator/run.ts, which the compiler's owners write. This
 * runs it, when it exists, in its own process and reads its two figures from
 * the last JSON line it prints: `{"coldGenerateSeconds": n, "checkSeconds": n}`.
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
  const jsonLine = stdout.trim().split("\n").reverse().find((line) => line.trim().startsWith("{"));
  try {
    const parsed = JSON.parse(jsonLine ?? "") as Partial<GeneratorFigures>;
    if (typeof parsed.coldGenerateSeconds === "number" && typeof parsed.checkSeconds === "number") {
      return { figures: { coldGenerateSeconds: parsed.coldGenerateSeconds, checkSeconds: parsed.checkSeconds } };
    }
  } catch {
    // fall through to the error below
  }
  return { error: `no {"coldGenerateSeconds","checkSeconds"} JSON line in its output: ${stdout.trim().slice(-300)}` };
}

/**
 * Workload 6, the generator (200 queues: cold generate, `--check`), is
 * measured by bench/generator/run.ts in its own process (it times separate
 * CLI processes anyway); this runs it with `--json` and reads the samples
 * from the last JSON line it prints.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const scriptPath = fileURLToPath(new URL("./generator/run.ts", import.meta.url));

/** Seconds per repetition, each a fresh `pgmq-gen` process (see generator/run.ts). */
export interface GeneratorFigures {
  coldGenerateSeconds: number[];
  /** `--check` with the build cache the generate before it saved. */
  checkSeconds: number[];
  /** `--check --no-cache`: every schema compiled again, as on a fresh clone. */
  checkNoCacheSeconds: number[];
}

export type GeneratorOutcome = { figures: GeneratorFigures } | { error: string };

function isSamples(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "number");
}

export async function measureGenerator(reps: number): Promise<GeneratorOutcome> {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", scriptPath, "--json", "--reps", String(reps)], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    },
  );
  if (code !== 0) return { error: `exited with ${code}: ${(stderr || stdout).trim().slice(-500)}` };
  const last = stdout.trim().split("\n").pop() ?? "";
  try {
    const parsed = JSON.parse(last) as Partial<Record<keyof GeneratorFigures, unknown>>;
    const { coldGenerateSeconds, checkSeconds, checkNoCacheSeconds } = parsed;
    if (isSamples(coldGenerateSeconds) && isSamples(checkSeconds) && isSamples(checkNoCacheSeconds)) {
      return { figures: { coldGenerateSeconds, checkSeconds, checkNoCacheSeconds } };
    }
  } catch {
    // reported below
  }
  return { error: `no generator figures in its last line: ${last.slice(-300)}` };
}

/**
 * After `await worker.stop(); await closePool()` nothing of the worker keeps
 * the process alive: a real child process exits at once, not after the
 * timers raced against the stop (shutdownTimeout, 30 s by default) fire.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";

const fixture = fileURLToPath(new URL("./fixtures/stopThenExit.ts", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

const db = useTestDatabase("worker_stop_exit");

interface Run {
  /** Milliseconds from the "closed" line to the process's exit. */
  exitAfterCloseMs: number;
  code: number | null;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

/** Runs the fixture; kills it (and fails) if it is still alive 20 s after starting. */
function runFixture(queue: string, env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, ["--conditions=pgmq-gen-source", "--import", "tsx", fixture], {
    cwd: root,
    env: { ...process.env, WORKER_DATABASE_URL: db.url, WORKER_QUEUE: queue, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Array<Record<string, unknown>> = [];
  let closedAt: number | null = null;
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  createInterface({ input: child.stdout }).on("line", (line) => {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if (parsed.event === "closed") closedAt = Date.now();
    lines.push(parsed);
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(killer);
      const exitedAt = Date.now();
      resolve({ exitAfterCloseMs: closedAt === null ? Number.NaN : exitedAt - closedAt, code, lines, stderr });
    });
  });
}

/** stderr holds the default logger's lines (started, stopping, stopped) and nothing else: no warning, no error. */
function expectOnlyLogLines(stderr: string): void {
  const lines = stderr.split("\n").filter((line) => line !== "");
  for (const line of lines) expect(line).toMatch(/^\S+ INFO {2}pgmq-gen: worker (started|stopping|stopped)/);
  expect(lines.at(-1)).toMatch(/worker stopped in /);
}

describe("worker.stop() then closePool()", () => {
  it("round two #12: the process exits at once, not after shutdownTimeout", async () => {
    const run = await runFixture("stop_exit");
    expectOnlyLogLines(run.stderr);
    expect(run.lines.map((line) => line.event)).toEqual(["complete", "closed"]);
    expect(run.code).toBe(0);
    expect(run.exitAfterCloseMs).toBeLessThan(1000);
  });

  it("round two #12: a queue with a jobTimeout leaves no timer behind either", async () => {
    const run = await runFixture("stop_exit_job_timeout", { WORKER_JOB_TIMEOUT: "600" });
    expectOnlyLogLines(run.stderr);
    expect(run.lines.map((line) => line.event)).toEqual(["complete", "closed"]);
    expect(run.code).toBe(0);
    expect(run.exitAfterCloseMs).toBeLessThan(1000);
  });
});

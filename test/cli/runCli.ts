/**
 * Runs the real `pgmq-gen` executable in a child process, from the
 * TypeScript sources: tsx compiles src/ on the fly and the `pgmq-gen-source`
 * condition makes `pgmq-gen` imports (in the CLI and in user configs loaded
 * by jiti) resolve to src/ too. No build step, and the tests always run the
 * code as it is in the tree.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { packageRoot } from "../config/tempProject.js";

const cliEntry = path.join(packageRoot, "src", "cli", "main.ts");
const nodeArgs = ["--conditions=pgmq-gen-source", "--import", "tsx", cliEntry];

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the CLI was still running after `timeoutMs` and was killed. */
  readonly timedOut: boolean;
}

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the CLI (SIGKILL) if it has not exited after this many milliseconds. (Default: no limit) */
  timeoutMs?: number;
}

/** Starts the CLI; the caller reads its output and stops it (used by --watch). */
export function startCli(args: readonly string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = startCli(args, options);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

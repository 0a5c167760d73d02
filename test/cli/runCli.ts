/**
 * Runs the real `pgmq-gen` executable in a child process, from the
 * TypeScript sources: tsx compiles src/ on the fly and the `pgmq-gen-source`
 * condition makes `pgmq-gen` imports (in the CLI and in user configs loaded
 * by jiti) resolve to src/ too. No build step, and the tests always run the
 * code as it is in the tree.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { packageRoot } from "../config/tempProject.js";

const cliEntry = path.join(packageRoot, "src", "cli", "main.ts");
const nodeArgs = ["--conditions=pgmq-gen-source", "--import", "tsx", cliEntry];

/** The built executable, `npm run build`'s output: what `npx pgmq-gen` runs. */
export const builtCliEntry = path.join(packageRoot, "dist", "cli", "main.js");

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

/**
 * Starts the built CLI (dist/) with plain node, no loader in between: for
 * tests about signals and the process's own end, as a user runs it.
 */
export function startBuiltCli(args: readonly string[], options: CliOptions): ChildProcess {
  if (!existsSync(builtCliEntry)) throw new Error(`${builtCliEntry} is missing: run npm run build first`);
  return spawn(process.execPath, [builtCliEntry, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Runs the CLI (from src/, or `built` from dist/) to completion. */
export function runCli(args: readonly string[], options: CliOptions & { built?: boolean }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = options.built === true ? startBuiltCli(args, options) : startCli(args, options);
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

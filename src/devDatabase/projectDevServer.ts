/**
 * The embedded PostgreSQL of one project for `pgmq-gen dev`: data in
 * `<project>/.pgmq/dev`, started by the first `pgmq-gen dev` and reused by
 * any other while that one runs (see devServerLock.ts).
 */
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { claimDevServer, readDevServerState, writeDevServerState, type DevServerState } from "./devServerLock.js";
import { importEmbeddedPostgres, startEmbeddedServer } from "./embeddedServer.js";
import { freePort, isPortFree } from "./freePort.js";
import { isProcessAlive } from "./processAlive.js";
import { probeServer } from "./serverProbe.js";

/** How long to wait for another `pgmq-gen dev` that is still starting the server (a first run runs initdb). Milliseconds. */
const OTHER_START_TIMEOUT_MS = 60_000;
/** Pause between looks at the other `pgmq-gen dev`. Milliseconds. */
const POLL_MS = 100;

export type ProjectDevServer =
  | {
      readonly kind: "started";
      readonly url: string;
      readonly port: number;
      readonly dataDir: string;
      /** Things the user should know, e.g. that the last run's port was taken. */
      readonly notes: readonly string[];
      /** False once the server has stopped or died. */
      isRunning(): boolean;
      /** Stops the server and hands the project over to the next `pgmq-gen dev`. */
      stop(): Promise<void>;
    }
  /** Another live `pgmq-gen dev` (`pid`) runs it. */
  | {
      readonly kind: "reused";
      readonly url: string;
      readonly port: number;
      readonly dataDir: string;
      readonly pid: number;
    };

export interface ProjectDevServerOptions {
  /** The project folder; state and data go in its `.pgmq/`. */
  readonly projectDir: string;
  /** Port asked for with --port: taken means an error, not another port. (Default: the last run's port if free, else any free port) */
  readonly port?: number;
  /** The server's log lines. (Default: dropped) */
  readonly onLog?: (line: string) => void;
  /** Stops waiting for another `pgmq-gen dev` that is starting. */
  readonly signal?: AbortSignal;
}

/** A mistake or a condition the user can act on, as opposed to a failure with a stack worth showing. */
export class DevServerError extends Error {
  override readonly name = "DevServerError";
}

export async function startProjectDevServer(options: ProjectDevServerOptions): Promise<ProjectDevServer> {
  const stateDir = path.join(options.projectDir, ".pgmq");
  await importEmbeddedPostgres(); // Without the package, say so before writing anything into the project.
  for (;;) {
    const claim = await claimDevServer(stateDir);
    if (claim.kind === "taken") {
      const state = await waitForOthersServer(stateDir, claim.pid, options.signal);
      if (state !== undefined)
        return { kind: "reused", url: state.url, port: state.port, dataDir: state.dataDir, pid: claim.pid };
      continue; // It died before its server was ready: the project is free again.
    }
    try {
      const last = await readDevServerState(stateDir);
      const notes: string[] = [];
      const server = await startEmbeddedServer(path.join(stateDir, "dev"), {
        ...(options.onLog !== undefined ? { onLog: options.onLog } : {}),
        choosePort: () => choosePort(options.port, last?.port, notes),
      });
      await writeDevServerState(stateDir, {
        pid: process.pid,
        port: server.port,
        url: server.url,
        dataDir: server.dataDir,
      });
      const stop = async () => {
        await server.stop();
        await claim.release();
      };
      return {
        kind: "started",
        url: server.url,
        port: server.port,
        dataDir: server.dataDir,
        notes,
        isRunning: () => server.isRunning(),
        stop,
      };
    } catch (error) {
      await claim.release();
      throw error;
    }
  }
}

/** Runs once a server a killed run left behind is gone, so its port counts as free again. */
async function choosePort(requested: number | undefined, last: number | undefined, notes: string[]): Promise<number> {
  if (requested !== undefined) {
    if (await isPortFree(requested)) return requested;
    throw new DevServerError(`port ${requested} is taken on 127.0.0.1; pass another --port, or none for a free one`);
  }
  if (last === undefined || (await isPortFree(last))) return last ?? freePort();
  const port = await freePort();
  notes.push(`port ${last} of the last run is taken; using ${port}, so DATABASE_URL has changed`);
  return port;
}

/**
 * The server of the live `pgmq-gen dev` `pid`, once dev.json names it and it
 * answers; undefined if that process dies first.
 */
async function waitForOthersServer(
  stateDir: string,
  pid: number,
  signal: AbortSignal | undefined,
): Promise<DevServerState | undefined> {
  const deadline = Date.now() + OTHER_START_TIMEOUT_MS;
  for (;;) {
    if (!isProcessAlive(pid)) return undefined;
    const state = await readDevServerState(stateDir);
    if (state?.pid === pid && (await probeServer(state.url)) === null) return state;
    if (Date.now() > deadline) {
      throw new DevServerError(
        `the pgmq-gen dev of this project (pid ${pid}) has no server answering after ${OTHER_START_TIMEOUT_MS / 1000} s`,
      );
    }
    await sleep(POLL_MS, undefined, signal !== undefined ? { signal } : {});
  }
}

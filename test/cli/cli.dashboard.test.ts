/**
 * `pgmq-gen dashboard` as a user runs it (issue 15 §5), in a child process:
 * the line it prints, the pages it serves, its end on SIGINT and SIGTERM,
 * the unlock link of --allow-actions, the token from the environment (never
 * printed), and the errors: a short token, a port in use, no database, bad
 * options; and `help dashboard`.
 */
import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { runCli, startCli } from "./runCli.js";

const db = useTestDatabase("cli_dashboard");

const config = {
  queues: {
    email: { schema: { type: "object" }, deadLetter: "email_dlq" },
  },
};

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-dashboard", { "pgmq.config.json": JSON.stringify(config) });
  await db.pgmq.send("email", { n: 1 });
  await db.pgmq.ensureQueue("email_dlq");
});
afterAll(() => project.remove());

interface Running {
  readonly child: ChildProcess;
  /** The whole of stdout so far. */
  stdout(): string;
  stderr(): string;
  readonly origin: string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** Starts `pgmq-gen dashboard --port 0 ...args` and waits for its first line. */
async function startDashboardCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = startCli(["dashboard", "--port", "0", ...args], {
    cwd: project.dir,
    env: { DATABASE_URL: db.url, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const started = Date.now();
  while (!/^pgmq-gen dashboard: .*\n/m.test(stdout)) {
    if (Date.now() - started > 20_000 || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`the dashboard did not start: ${stdout}${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const origin = /^pgmq-gen dashboard: (http:\/\/127\.0\.0\.1:\d+)\//m.exec(stdout)![1]!;
  return { child, stdout: () => stdout, stderr: () => stderr, origin, exited };
}

/** Sends `signal` and resolves with the exit code and how long it took. */
async function stopWith(running: Running, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  running.child.kill(signal);
  const timer = setTimeout(() => running.child.kill("SIGKILL"), 10_000);
  const code = await running.exited;
  clearTimeout(timer);
  return { code, ms: Date.now() - started };
}

const cli = (args: readonly string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.url }) =>
  runCli(args, { cwd: project.dir, env, timeoutMs: 30_000 });

describe("issue 15 #10: pgmq-gen dashboard", () => {
  it("issue 15 #10: --port 0 prints the address it listens on (read-only), answers HTTP, and exits 0 on SIGINT within a few seconds", async () => {
    const running = await startDashboardCli([]);
    try {
      expect(running.stdout()).toMatch(
        /^pgmq-gen dashboard: http:\/\/127\.0\.0\.1:\d+\/ \(read-only; Ctrl-C to stop\)\n$/,
      );
      const overview = await fetch(`${running.origin}/`);
      expect(overview.status).toBe(200);
      expect(await overview.text()).toContain('<a href="/queues/email">email</a>');
      expect((await fetch(`${running.origin}/queues/email`)).status).toBe(200);
    } finally {
      const { code, ms } = await stopWith(running, "SIGINT");
      expect(code).toBe(0);
      expect(ms).toBeLessThan(5000);
      expect(running.stderr()).toContain("pgmq-gen dashboard: SIGINT, stopping");
    }
  });

  it("issue 15 #10: it exits 0 on SIGTERM too, with a keep-alive connection open", async () => {
    const running = await startDashboardCli([]);
    await fetch(`${running.origin}/`).then((response) => response.text());
    const { code, ms } = await stopWith(running, "SIGTERM");
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it("issue 15 #10: --allow-actions prints an unlock link whose token unlocks (cookie) and acts (bearer)", async () => {
    const running = await startDashboardCli(["--allow-actions"]);
    try {
      expect(running.stdout()).toContain("(actions allowed; Ctrl-C to stop)");
      const link = /open this link to unlock them: (http:\/\/\S+\/unlock\?token=([A-Za-z0-9_-]{43}))\n/.exec(
        running.stdout(),
      );
      expect(link).not.toBeNull();
      const unlocked = await fetch(link![1]!, { redirect: "manual" });
      expect(unlocked.status).toBe(303);
      expect(unlocked.headers.get("set-cookie")).toMatch(/^pgmq_gen_dashboard=.*; HttpOnly; SameSite=Strict/);
      const purge = (token: string) =>
        fetch(`${running.origin}/queues/email/dead-letters/purge`, {
          method: "POST",
          redirect: "manual",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
          body: "scope=matching&confirm=yes",
        });
      expect((await purge(link![2]!)).status).toBe(303);
      expect((await purge("x".repeat(43))).status).toBe(403);
    } finally {
      expect((await stopWith(running, "SIGTERM")).code).toBe(0);
    }
  });

  it("issue 15 #10: a token in PGMQ_GEN_DASHBOARD_TOKEN is used and never printed", async () => {
    const token = "env-token-for-the-cli-test-0123456789";
    const running = await startDashboardCli(["--allow-actions"], { PGMQ_GEN_DASHBOARD_TOKEN: token });
    try {
      expect(running.stdout()).toContain("actions need the token in PGMQ_GEN_DASHBOARD_TOKEN: open http://");
      const unlocked = await fetch(`${running.origin}/unlock?token=${token}`, { redirect: "manual" });
      expect(unlocked.status).toBe(303);
    } finally {
      await stopWith(running, "SIGINT");
    }
    expect(running.stdout() + running.stderr()).not.toContain(token);
  });

  it("issue 15 #10: a token shorter than 16 characters is exit 2 with the reason; a port in use is exit 1 with the reason", async () => {
    const short = await cli(["dashboard", "--port", "0", "--allow-actions"], {
      DATABASE_URL: db.url,
      PGMQ_GEN_DASHBOARD_TOKEN: "too-short",
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("PGMQ_GEN_DASHBOARD_TOKEN must be at least 16 characters (it has 9)");
    expect(short.stdout).toBe("");

    const occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, "127.0.0.1", resolve));
    const port = (occupier.address() as { port: number }).port;
    try {
      const taken = await cli(["dashboard", "--port", String(port)]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain(`error: dashboard could not listen: port ${port} on 127.0.0.1 is in use`);
    } finally {
      occupier.close();
    }
  });

  it("issue 15 #10: no database is exit 2; --port 70000 and --host 'a b' are usage errors (exit 2); help dashboard lists its options", async () => {
    const [noDatabase, badPort, badHost, help] = await Promise.all([
      cli(["dashboard", "--port", "0"], { DATABASE_URL: "" }),
      cli(["dashboard", "--port", "70000"]),
      cli(["dashboard", "--host", "a b"]),
      cli(["help", "dashboard"]),
    ]);
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toContain("error: no database to show; pass --database-url <url> or set DATABASE_URL");
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('option --port needs a port number from 0 to 65535, not "70000"');
    expect(badHost.code).toBe(2);
    expect(badHost.stderr).toContain('option --host needs an address such as 127.0.0.1, ::1 or 0.0.0.0, not "a b"');
    expect(help.code).toBe(0);
    for (const option of ["--port", "--host", "--allow-actions", "--config", "--database-url", "--count-cap"])
      expect([option, help.stdout.includes(option)]).toEqual([option, true]);
  });
});

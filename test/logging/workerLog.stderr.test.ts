/**
 * What a person running a worker sees by default: the stderr of a real
 * worker process (test/logging/fixtures/loggingWorker.ts) with no `logger`
 * option. One line per event, in the stderr logger's format, never the
 * password of the connection string.
 *
 * Runs on a throwaway server that trusts local connections, so the
 * connection string can carry a password that must not show, and the test
 * can shut the database's door (ALLOW_CONNECTIONS) without touching the
 * suite's server.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import { startThrowawayServer, type ThrowawayServer } from "../helpers/throwawayServer.js";

const fixture = fileURLToPath(new URL("./fixtures/loggingWorker.ts", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const PASSWORD = "hunter2-never-logged";
const DATABASE = "logging_app";
/** `2026-11-30T15:10:00.123Z WARN  pgmq-gen: ` */
const LINE_START = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR) pgmq-gen: /;

let server: ThrowawayServer;
let admin: pg.Client;
let pool: pg.Pool;
let client: PgmqClient;
let workerUrl: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  server = await startThrowawayServer();
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  workerUrl = `postgres://postgres:${PASSWORD}@127.0.0.1:${server.port}/${DATABASE}`;
  pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/${DATABASE}`, max: 2 });
  pool.on("error", () => {});
  client = new PgmqClient(pool);
}, 60_000);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

afterAll(async () => {
  await pool?.end();
  await admin?.end();
  await server?.stop();
});

interface WorkerRun {
  readonly child: ChildProcessWithoutNullStreams;
  /** Every stderr line so far. */
  readonly stderr: string[];
  /** Resolves when a stdout report with this event (and msgId, if given) arrives. */
  reported(event: string, msgId?: string): Promise<void>;
  /** Resolves when a stderr line matches. */
  logged(pattern: RegExp): Promise<string>;
  /** Sends SIGTERM; resolves with the exit code once the process has exited by itself. */
  stop(): Promise<number | null>;
}

function startWorker(queue: string, env: Record<string, string> = {}): WorkerRun {
  const child = spawn(process.execPath, ["--conditions=pgmq-gen-source", "--import", "tsx", fixture], {
    cwd: root,
    env: {
      ...process.env,
      WORKER_DATABASE_URL: workerUrl,
      WORKER_QUEUE: queue,
      WORKER_DEAD_LETTER: `${queue}_dead`,
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  children.push(child);
  const stderr: string[] = [];
  const reports: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderr.push(line);
    notify();
  });
  createInterface({ input: child.stdout }).on("line", (line) => {
    reports.push(JSON.parse(line) as Record<string, unknown>);
    notify();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const until = <T>(what: string, check: () => T | undefined): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(attempt);
        reject(new Error(`timed out waiting for ${what}; stderr so far:\n${stderr.join("\n")}`));
      }, 30_000);
      const attempt = () => {
        const found = check();
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(attempt);
        resolve(found);
      };
      waiters.add(attempt);
      attempt();
    });
  return {
    child,
    stderr,
    reported: (event, msgId) =>
      until(`report ${event} ${msgId ?? ""}`, () =>
        reports.some((report) => report.event === event && (msgId === undefined || report.msgId === msgId))
          ? true
          : undefined,
      ).then(() => undefined),
    logged: (pattern) => until(`a stderr line matching ${pattern}`, () => stderr.find((line) => pattern.test(line))),
    stop: async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The one line matching `pattern`; fails when there is none or more than one. */
function onlyLine(lines: readonly string[], pattern: RegExp): string {
  const matching = lines.filter((line) => pattern.test(line));
  expect(matching, `lines matching ${pattern} in:\n${lines.join("\n")}`).toHaveLength(1);
  return matching[0]!;
}

function expectWellFormed(lines: readonly string[]): void {
  for (const line of lines) expect(line).toMatch(LINE_START);
  expect(lines.join("\n")).not.toContain(PASSWORD);
}

describe("the default logger, on a real worker process's stderr", () => {
  it("issue 12 #2: started, a failed attempt, a kill, an UnrecoverableError, an undecodable message, stopping and stopped: one line each", async () => {
    const queue = "log_jobs";
    const run = startWorker(queue);
    await run.reported("ready");
    const [ok] = await client.sendBatch(queue, [{ n: 1 }]);
    const [throws] = await client.sendBatch(queue, [{ n: 2 }]);
    const [unrecoverable] = await client.sendBatch(queue, [{ n: 3 }]);
    // A message another producer wrote that does not match the schema (`n` must be an integer).
    const [undecodable] = await client.sendBatch(queue, [{ n: "seven" }]);
    for (const id of [ok, throws, unrecoverable, undecodable]) await run.reported("ended", String(id));
    expect(await run.stop()).toBe(0);

    const lines = run.stderr;
    expectWellFormed(lines);
    expect(onlyLine(lines, /worker started/)).toMatch(
      new RegExp(
        ` INFO  pgmq-gen: worker started: queue ${queue}; concurrency 4; ` +
          `database "${DATABASE}" at 127\\.0\\.0\\.1:${server.port} as user "postgres"$`,
      ),
    );
    expect(onlyLine(lines, new RegExp(`message ${throws} failed`))).toMatch(
      new RegExp(
        ` WARN  pgmq-gen: ${queue} message ${throws} failed \\(attempt 1 of 2\\): smtp said no; retry in 200 ms$`,
      ),
    );
    expect(onlyLine(lines, new RegExp(`message ${throws} killed`))).toMatch(
      new RegExp(
        ` ERROR pgmq-gen: ${queue} message ${throws} killed on attempt 2, moved to ${queue}_dead: ` +
          "failed on its last attempt \\(2 of 2\\): smtp said no$",
      ),
    );
    expect(onlyLine(lines, new RegExp(`message ${unrecoverable} `))).toMatch(
      new RegExp(
        ` ERROR pgmq-gen: ${queue} message ${unrecoverable} killed on attempt 1, moved to ${queue}_dead: mailbox does not exist$`,
      ),
    );
    expect(onlyLine(lines, new RegExp(`message ${undecodable} `))).toMatch(
      new RegExp(
        ` ERROR pgmq-gen: ${queue} message ${undecodable} could not be decoded, moved to ${queue}_dead: ` +
          "first schema failure: /n must be integer$",
      ),
    );
    expect(onlyLine(lines, /worker stopping/)).toMatch(/ INFO {2}pgmq-gen: worker stopping: no jobs running$/);
    expect(onlyLine(lines, /worker stopped/)).toMatch(/ INFO {2}pgmq-gen: worker stopped in \d+ ms$/);
    expect(lines.at(-1)).toMatch(/worker stopped/);
    // Nothing for the job that succeeded, nothing else at all: 7 events, 7 lines.
    expect(lines.filter((line) => line.includes(`message ${ok} `))).toEqual([]);
    expect(lines).toHaveLength(7);
  });

  it("issue 12 #2: at level debug, a failed attempt's stack follows its line", async () => {
    const queue = "log_debug";
    const run = startWorker(queue, { WORKER_LOG_LEVEL: "debug" });
    await run.reported("ready");
    const [unrecoverable] = await client.sendBatch(queue, [{ n: 3 }]);
    await run.reported("ended", String(unrecoverable));
    expect(await run.stop()).toBe(0);

    const killed = run.stderr.findIndex((line) => line.includes(`message ${unrecoverable} killed`));
    expect(killed).toBeGreaterThanOrEqual(0);
    expect(run.stderr[killed + 1]).toBe("    UnrecoverableError: mailbox does not exist");
    expect(run.stderr[killed + 2]).toMatch(/^ {4}\s*at .*loggingWorker\.ts/);
    expect(run.stderr.join("\n")).not.toContain(PASSWORD);
  });

  it("issue 12 #2: a killed connection is logged once per outage, and once when the database is back", async () => {
    const queue = "log_outage";
    const run = startWorker(queue);
    await run.reported("ready");
    // Shut the door, then kill every connection the worker holds: its reads, its LISTEN connection and its
    // reconnects fail until the door opens again, about 2 s (several retries) later.
    await admin.query(`ALTER DATABASE ${DATABASE} ALLOW_CONNECTIONS false`);
    try {
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [DATABASE],
      );
      await run.logged(/database connection lost/);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      await admin.query(`ALTER DATABASE ${DATABASE} ALLOW_CONNECTIONS true`);
    }
    await run.logged(/database connection restored/);
    // Still working after the outage.
    const [after] = await client.sendBatch(queue, [{ n: 1 }]);
    await run.reported("ended", String(after));
    expect(await run.stop()).toBe(0);

    const lines = run.stderr;
    expectWellFormed(lines);
    expect(onlyLine(lines, /database connection lost/)).toMatch(
      new RegExp(
        ` WARN  pgmq-gen: database connection lost( \\(database "${DATABASE}" at 127\\.0\\.0\\.1:${server.port} as user "postgres"\\))?: .+; retrying with backoff until it answers$`,
      ),
    );
    expect(onlyLine(lines, /database connection restored/)).toMatch(
      / INFO {2}pgmq-gen: database connection restored after \d+(\.\d)? s$/,
    );
    // Every retry of the outage stays at debug: nothing but start, lost, restored, stopping, stopped.
    expect(lines.map((line) => /pgmq-gen: (\S+ \S+)/.exec(line)?.[1])).toEqual([
      "worker started:",
      "database connection",
      "database connection",
      "worker stopping:",
      "worker stopped",
    ]);
  });
});

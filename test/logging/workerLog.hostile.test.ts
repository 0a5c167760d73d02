/**
 * Worker logging attacked like a hostile user would: an async logger that
 * rejects, a database that stops answering (a network partition, not a
 * refused connection), control characters the one-line escaping missed, a
 * worker with many long queue names, a stderr whose reader went away.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import net from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import type { Logger } from "../../packages/runtime/src/logging/logger.js";
import { createStderrLogger, oneLine } from "../../packages/runtime/src/logging/stderrLogger.js";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import type { Worker } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { testQueue, waitFor } from "../worker/support/workerTestQueue.js";
import { recordingLogger } from "./support/recordingLogger.js";

const fixture = fileURLToPath(new URL("./fixtures/loggingWorker.ts", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

let db: TestDatabase;
let pgmq: PgmqClient;
const workers: Worker[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  db = await createTestDatabase("worker_log_hostile");
  pgmq = new PgmqClient(db.pool);
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  configure({ logger: false, statementTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
});

afterAll(async () => {
  await db?.drop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TCP proxy to the test server that can stop answering: in `blackhole`
 * mode bytes are swallowed both ways and new connections are accepted and
 * left hanging, as a network partition or a dropped security-group rule does.
 */
async function startProxy(target: URL) {
  let blackhole = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    sockets.add(inbound);
    inbound.on("error", () => {});
    inbound.on("close", () => sockets.delete(inbound));
    if (blackhole) return;
    const outbound = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(outbound);
    outbound.on("error", () => inbound.destroy());
    outbound.on("close", () => {
      sockets.delete(outbound);
      inbound.destroy();
    });
    inbound.on("close", () => outbound.destroy());
    inbound.on("data", (data) => void (blackhole || outbound.write(data)));
    outbound.on("data", (data) => void (blackhole || inbound.write(data)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(target.toString());
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    setBlackhole(on: boolean) {
      blackhole = on;
      // Back to normal: the connections that hung are dropped, as a partition's stale sockets end up reset.
      if (!on) for (const socket of [...sockets]) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("worker logging under attack", () => {
  it("issue 12 #2 (hostile): an async logger whose promise rejects causes no unhandled rejection (Node would crash the process)", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    // vitest reports unhandled rejections as errors of the run: listen first so the test itself says what happened.
    process.on("unhandledRejection", onUnhandled);
    try {
      const rejecting = async (): Promise<void> => {
        throw new Error("log shipper unreachable");
      };
      const logger: Logger = { debug: rejecting, info: rejecting, warn: rejecting, error: rejecting };
      const queue = "async_logger_q";
      const kills: unknown[] = [];
      const worker = createQueueWorker(
        [testQueue(queue, { maxRetries: 1, backoff: { kind: "fixed", delay: 0.05 } })],
        {
          [queue]: () => {
            throw new Error("fails");
          },
        },
        { pool: db.pool, pollInterval: 50, logger },
      );
      workers.push(worker);
      worker.on("job:kill", (event) => kills.push(event));
      await worker.start();
      await pgmq.sendBatch(queue, [{ n: 1 }]);
      await waitFor(() => kills.length === 1, 10_000, "the kill");
      await worker.stop();
      await sleep(100);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("issue 12 #2 (hostile): a database that stops answering (partition: timeouts, not refusals) is one lost line and one restored line, not an error line per read", async () => {
    const proxy = await startProxy(new URL(db.url));
    const pool = new pg.Pool({ connectionString: proxy.url, max: 6, connectionTimeoutMillis: 500 });
    pool.on("error", () => {});
    configure({ statementTimeoutMillis: 500, connectionTimeoutMillis: 500 });
    const logger = recordingLogger();
    const queues = ["part_a", "part_b", "part_c"];
    const worker = createQueueWorker(
      queues.map((queue) => testQueue(queue)),
      Object.fromEntries(queues.map((queue) => [queue, () => {}])),
      { pool, pollInterval: 100, logger },
    );
    try {
      await worker.start();
      await sleep(300);
      proxy.setBlackhole(true);
      // Several timeouts per queue: each read waits 500 ms, then backs off.
      await sleep(5000);
      proxy.setBlackhole(false);
      await waitFor(
        () => logger.entries.some((entry) => entry.fields.event === "connection:restored"),
        15_000,
        "the restored line",
      );
      await worker.stop();
    } finally {
      await worker.stop();
      await pool.end();
      await proxy.close();
    }
    const shown = logger.entries.filter((entry) => entry.level !== "debug");
    const summary = shown.map((entry) => `${entry.level} ${entry.message.slice(0, 120)}`).join("\n");
    expect(
      shown.map((entry) => entry.fields.event),
      summary,
    ).toEqual(["worker:start", "connection:lost", "connection:restored", "worker:stopping", "worker:stopped"]);
  });

  it("issue 12 #2 (hostile): a listener that throws a Proxy throwing on every trap still gets its error line", async () => {
    const logger = recordingLogger();
    const queue = "proxy_listener_q";
    const worker = createQueueWorker(
      [testQueue(queue)],
      { [queue]: () => {} },
      { pool: db.pool, pollInterval: 50, logger },
    );
    workers.push(worker);
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("trap");
        },
        getPrototypeOf: () => {
          throw new Error("trap");
        },
        has: () => {
          throw new Error("trap");
        },
        ownKeys: () => {
          throw new Error("trap");
        },
        getOwnPropertyDescriptor: () => {
          throw new Error("trap");
        },
      },
    );
    worker.on("job:complete", () => {
      throw hostile;
    });
    await worker.start();
    await pgmq.sendBatch(queue, [{ n: 1 }]);
    await waitFor(
      () => logger.entries.some((entry) => entry.fields.event === "worker:error"),
      5000,
      "the listener's error line",
    );
  });

  it("issue 12 #2 (hostile): an idle connection's failure is logged without the pg Client pg-pool hangs on the error (its ssl settings, passphrase included, are enumerable)", async () => {
    // Its own application_name: only its connections are ended, not those of the file's shared pool.
    const pool = new pg.Pool({ connectionString: db.url, max: 4, application_name: "hostile_idle_client" });
    pool.on("error", () => {});
    const logger = recordingLogger();
    const queue = "idle_client_q";
    // Long polls and no LISTEN: between reads the pool's connections sit idle, so the first failure is an idle client's.
    const worker = createQueueWorker(
      [testQueue(queue)],
      { [queue]: () => {} },
      { pool, pollInterval: 5000, listen: false, logger },
    );
    try {
      await worker.start();
      await sleep(300);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle' " +
            "AND application_name = 'hostile_idle_client'",
        );
      } finally {
        await admin.end();
      }
      const lost = await waitFor(
        () => logger.entries.find((entry) => entry.fields.event === "connection:lost"),
        10_000,
        "the lost line",
      );
      const err = lost.fields.err as Record<string, unknown>;
      expect(Object.keys(err)).not.toContain("client");
      // What a JSON logger (pino) writes for the line stays a line, not a serialized pg Client and its socket.
      const seen = new WeakSet<object>();
      const json = JSON.stringify(lost.fields, (_key, value: unknown) => {
        if (typeof value === "object" && value !== null) {
          if (seen.has(value)) return "[Circular]";
          seen.add(value);
        }
        return value;
      });
      expect(json).not.toContain("connectionParameters");
    } finally {
      await worker.stop();
      await pool.end();
    }
  });

  it("issue 12 #2 (hostile): C1 controls (CSI U+009B, NEL U+0085) and U+2028/U+2029 line separators are escaped too", () => {
    // U+009B is CSI to terminals that honour C1 controls; NEL, LS and PS are line breaks to many viewers.
    const message = "a\u009b2Jb\u0085c\u2028d\u2029e\u0080f\u009fg";
    expect(oneLine(message)).toBe("a\\u009b2Jb\\u0085c\\u2028d\\u2029e\\u0080f\\u009fg");
    const written: string[] = [];
    createStderrLogger({ write: (line) => written.push(line) }).warn({}, message);
    expect(written[0]).not.toMatch(/[\u0080-\u009f\u2028\u2029]/);
  });

  it("issue 12 #2 (hostile): a worker of 50 long-named queues still says its concurrency and database on its started line", async () => {
    const queues = Array.from({ length: 50 }, (_, index) => `q${String(index).padStart(2, "0")}_${"x".repeat(43)}`);
    const written: string[] = [];
    const worker = createQueueWorker(
      queues.map((queue) => testQueue(queue)),
      Object.fromEntries(queues.map((queue) => [queue, () => {}])),
      { pool: db.pool, pollInterval: 1000, logger: createStderrLogger({ write: (line) => written.push(line) }) },
    );
    workers.push(worker);
    await worker.start();
    const started = written.find((line) => line.includes("worker started"));
    expect(started).toBeDefined();
    expect(started).toContain("concurrency 10");
    const server = new URL(db.url);
    expect(started).toContain(`database "${db.name}" at ${server.hostname}:${server.port || 5432}`);
    expect(started).toContain(queues[0]);
    expect(started).toMatch(/more/);
  });

  it("issue 12 #2 (hostile): a worker whose stderr reader went away (EPIPE) keeps running its jobs with the default logger", async () => {
    const queue = "epipe_q";
    const child = spawn(process.execPath, ["--conditions=pgmq-gen-source", "--import", "tsx", fixture], {
      cwd: root,
      env: { ...process.env, WORKER_DATABASE_URL: db.url, WORKER_QUEUE: queue, WORKER_DEAD_LETTER: `${queue}_dead` },
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.push(child);
    // The log's reader dies (a `| head`, a crashed log shipper): every later write to stderr fails with EPIPE.
    child.stderr.destroy();
    const reports: Array<Record<string, unknown>> = [];
    createInterface({ input: child.stdout }).on("line", (line) =>
      reports.push(JSON.parse(line) as Record<string, unknown>),
    );
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let exitCode: number | null | undefined;
    void exited.then((code) => {
      exitCode = code;
    });
    await waitFor(() => reports.some((report) => report.event === "ready") || exitCode !== undefined, 30_000, "ready");
    // n: 2 throws on every attempt: a failed-attempt line, then a kill line.
    const [failing] = await pgmq.sendBatch(queue, [{ n: 2 }]);
    await waitFor(
      () =>
        reports.some((report) => report.event === "ended" && report.msgId === String(failing)) ||
        exitCode !== undefined,
      30_000,
      "the job to end or the worker to exit",
    );
    expect(exitCode, "the worker process died while logging").toBeUndefined();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

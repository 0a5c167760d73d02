/**
 * Worker processes that die or are told to stop: a SIGKILLed worker's job
 * goes to another worker once its visibility timeout passes; SIGTERM with
 * `handleSignals` finishes the running job before the process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { JobContext } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, queueRows, testQueue, waitFor } from "./support/workerTestQueue.js";

const fixture = fileURLToPath(new URL("./fixtures/workerProcess.ts", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

const db = useTestDatabase("worker_crash");
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

interface WorkerChild {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(queue: string, env: Record<string, string>): WorkerChild {
  const child = spawn(process.execPath, ["--conditions=pgmq-gen-source", "--import", "tsx", fixture], {
    cwd: root,
    env: { ...process.env, WORKER_DATABASE_URL: db.url, WORKER_QUEUE: queue, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ event: "output", line });
    }
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      if (stderr !== "") lines.push({ event: "stderr", text: stderr });
      resolve({ code, signal });
    }),
  );
  return { child, lines, exited };
}

const seen = (lines: Array<Record<string, unknown>>, event: string) => lines.find((line) => line.event === event);

describe("a worker process", () => {
  it("killed with SIGKILL mid-job: another worker runs the job after the visibility timeout", async () => {
    const name = "crash_sigkill";
    const definition = testQueue(name, { visibilityTimeout: 2 });
    await db.pgmq.ensureQueue(name);
    const { child, lines, exited } = spawnWorker(name, { WORKER_VISIBILITY_TIMEOUT: "2" });
    await waitFor(() => seen(lines, "ready"), 30_000, "the child worker to be ready");
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1, sleepMs: 60_000 }));
    await waitFor(() => seen(lines, "start"), 10_000, "the child to start the job");
    const startSeenAt = Date.now();
    child.kill("SIGKILL");
    expect((await exited).signal).toBe("SIGKILL");

    const attempts: Array<{ attempt: number; at: number }> = [];
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: (_job: unknown, ctx: JobContext) => void attempts.push({ attempt: ctx.attempt, at: Date.now() }) },
      { pool: db.pool, pollInterval: 100 },
    );
    db.track(worker);
    await worker.start();
    await waitFor(async () => (await archivedIds(db.pool, name)).includes(msgId), 15_000, "the job to be archived");
    expect(attempts.map((entry) => entry.attempt)).toEqual([2]);
    // Hidden by the child's read for its 2 s timeout (nobody extends it any more), then picked up promptly.
    expect(attempts[0]!.at - startSeenAt).toBeGreaterThanOrEqual(1500);
    expect(attempts[0]!.at - startSeenAt).toBeLessThan(6000);
    expect(await queueRows(db.pool, name)).toEqual([]);
  });

  it("sent SIGTERM with handleSignals: finishes the running job, then exits", async () => {
    const name = "crash_sigterm";
    const definition = testQueue(name);
    await db.pgmq.ensureQueue(name);
    const { child, lines, exited } = spawnWorker(name, { WORKER_HANDLE_SIGNALS: "1" });
    await waitFor(() => seen(lines, "ready"), 30_000, "the child worker to be ready");
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1, sleepMs: 1000 }));
    await waitFor(() => seen(lines, "start"), 10_000, "the child to start the job");
    child.kill("SIGTERM");
    const exit = await exited;
    expect(seen(lines, "complete")).toEqual({ event: "complete", msgId: msgId.toString() });
    // A clean graceful stop exits with code 0, so a supervisor sees success.
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(await archivedIds(db.pool, name)).toEqual([msgId]);
    expect(lines.filter((line) => line.event === "error" || line.event === "stderr")).toEqual([]);
  });
});

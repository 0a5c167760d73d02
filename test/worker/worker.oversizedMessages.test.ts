/**
 * Messages too big for the worker's heap, written by another client: a
 * worker process with a small heap must make progress through them across
 * restarts. Those that fit one at a time complete; one that crashes its
 * worker even alone is counted on each delivery (read_ct) and, past
 * maxAttempts, dead-lettered without its payload ever reaching the worker.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { type TestJob, testQueue, waitFor } from "./support/workerTestQueue.js";

const fixture = fileURLToPath(new URL("./fixtures/bigPayloadWorker.ts", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const MiB = 1024 * 1024;

const db = useTestDatabase("worker_oversized");
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

interface Run {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(env: Record<string, string>, heapMiB: number): Run {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMiB}`, "--conditions=pgmq-gen-source", "--import", "tsx", fixture],
    { cwd: root, env: { ...process.env, WORKER_DATABASE_URL: db.url, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ event: "output", line });
    }
  });
  child.stderr!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

async function count(table: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]!.n;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a worker with a small heap and messages bigger than it holds at once", () => {
  it("round two #13: completes those that fit one at a time and dead-letters the one that crashes it alone, across restarts", {
    timeout: 240_000,
  }, async () => {
    const queue = "oversized";
    const deadLetter = "oversized_dead";
    await db.pgmq.ensureQueue(queue);
    await db.pgmq.ensureQueue(deadLetter);
    // Six that fit one at a time (but not together), one that does not fit even alone, and small ones
    // right before and after it: a crash while it is fetched must not use up their attempts.
    const sizes = [24 * MiB, 24 * MiB, 10, 160 * MiB, 10, 24 * MiB, 24 * MiB, 24 * MiB, 24 * MiB];
    const ids: string[] = [];
    for (const [n, size] of sizes.entries()) {
      const { rows } = await db.pool.query<{ msg_id: string }>(
        `INSERT INTO pgmq.q_${queue} (vt, message)
           VALUES (clock_timestamp(), jsonb_build_object('n', $1::int, 'blob', repeat('x', $2::int)))
           RETURNING msg_id::text AS msg_id`,
        [n, size],
      );
      ids.push(rows[0]!.msg_id);
    }
    const tooBig = ids[3]!;

    const env = {
      WORKER_QUEUE: queue,
      WORKER_DEAD_LETTER: deadLetter,
      WORKER_VISIBILITY_TIMEOUT: "2",
      WORKER_MAX_RETRIES: "1",
    };
    const maxStarts = 8;
    const deadline = Date.now() + 180_000;
    const exits: Array<{ code: number | null; signal: NodeJS.Signals | null }> = [];
    const lines: Array<Record<string, unknown>> = [];
    let starts = 0;
    while (starts < maxStarts && Date.now() < deadline) {
      if ((await count(`pgmq.q_${queue}`)) === 0) break;
      starts += 1;
      const run = startWorker(env, 128);
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      void run.exited.then((value) => (exit = value));
      // Until it dies, or the queue is empty, or the time is up.
      while (exit === undefined && Date.now() < deadline && (await count(`pgmq.q_${queue}`)) > 0) await sleep(200);
      if (exit === undefined) {
        run.child.kill("SIGKILL");
        exit = await run.exited;
      }
      exits.push(exit);
      lines.push(...run.lines);
    }

    const archived = await db.pool.query<{ msg_id: string; blob_length: number }>(
      `SELECT msg_id::text AS msg_id, length(message->>'blob') AS blob_length FROM pgmq.a_${queue} ORDER BY msg_id`,
    );
    const dead = await db.pool.query<{ source: string; error: string; blob_length: number }>(
      `SELECT headers->'x-pgmq-gen-dead-letter'->>'sourceMsgId' AS source,
                headers->'x-pgmq-gen-dead-letter'->>'error' AS error,
                length(message->>'blob') AS blob_length
           FROM pgmq.q_${deadLetter} ORDER BY msg_id`,
    );
    const context = { starts, exits, events: lines.filter((line) => line.event !== "start") };
    const crashes = exits.filter((exit) => exit.signal !== "SIGKILL");
    // Nothing left, nothing lost: every fitting message archived whole.
    expect(await count(`pgmq.q_${queue}`), JSON.stringify(context)).toBe(0);
    const fitting = ids.filter((id) => id !== tooBig);
    expect(archived.rows.filter((row) => row.msg_id !== tooBig).map((row) => row.msg_id)).toEqual(fitting);
    expect(archived.rows.filter((row) => row.msg_id !== tooBig).map((row) => row.blob_length)).toEqual(
      sizes.filter((size) => size !== 160 * MiB),
    );
    if (crashes.length === 0) {
      // This Node's V8 held the 160 MiB message in a 128 MB heap (seen on Node 24): it ran like the rest.
      expect(archived.rows.find((row) => row.msg_id === tooBig)?.blob_length).toBe(160 * MiB);
      expect(dead.rows).toEqual([]);
      return;
    }
    // It crashed its worker once per allowed attempt, then was dead-lettered whole; its handler never ran.
    expect(dead.rows).toHaveLength(1);
    expect(dead.rows[0]).toMatchObject({ source: tooBig, blob_length: 160 * MiB });
    expect(dead.rows[0]!.error).toMatch(/exceeds maxAttempts 2/);
    expect(lines.filter((line) => line.event === "start" && line.msgId === tooBig)).toEqual([]);
    expect(crashes, JSON.stringify(context)).toHaveLength(2);
  });
});

describe("batchBytes", () => {
  it("round two #13: bounds the payload bytes a queue holds (buffered and running) to the budget plus one message", async () => {
    const queue = "held_bytes";
    const definition = testQueue(queue);
    await db.pgmq.ensureQueue(queue);
    // 300 KB of headers each (headers count too): with a 512 KiB budget, a read takes two and none follows until one is done.
    await db.pool.query(
      `INSERT INTO pgmq.q_${queue} (vt, message, headers)
       SELECT clock_timestamp(), jsonb_build_object('n', i, 'sleepMs', 50), jsonb_build_object('pad', repeat('p', 300000))
         FROM generate_series(1, 8) AS i`,
    );
    let running = 0;
    let mostRunning = 0;
    const done: number[] = [];
    const worker = createQueueWorker(
      { [queue]: definition },
      {
        [queue]: async (job: TestJob) => {
          running += 1;
          mostRunning = Math.max(mostRunning, running);
          await sleep(job.sleepMs ?? 0);
          running -= 1;
          done.push(job.n);
        },
      },
      { pool: db.pool, concurrency: 10, pollInterval: 100, batchBytes: 512 * 1024 },
    );
    await worker.start();
    try {
      await waitFor(() => done.length === 8, 30_000, "all eight jobs");
    } finally {
      await worker.stop();
    }
    expect(done.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(mostRunning).toBe(2);
    expect(await count(`pgmq.q_${queue}`)).toBe(0);
  });

  it("round two #13: must be a positive integer number of bytes", () => {
    const definition = testQueue("bytes_invalid");
    const handlers = { bytes_invalid: () => {} };
    for (const batchBytes of [0, -1, 1.5, Number.NaN, 2 ** 60]) {
      expect(() => createQueueWorker({ bytes_invalid: definition }, handlers, { pool: db.pool, batchBytes })).toThrow(
        /batchBytes must be a positive integer number of bytes/,
      );
    }
    expect(() =>
      createQueueWorker({ bytes_invalid: definition }, handlers, {
        pool: db.pool,
        queues: { bytes_invalid: { batchBytes: 0 } },
      }),
    ).toThrow(/queues\.bytes_invalid\.batchBytes must be a positive integer number of bytes/);
  });
});

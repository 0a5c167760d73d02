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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgmqClient } from "../../src/runtime/pgmq.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

const fixture = fileURLToPath(new URL("./fixtures/bigPayloadWorker.ts", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));
const MiB = 1024 * 1024;

let db: TestDatabase;
let pgmq: PgmqClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase("worker_oversized");
  pgmq = new PgmqClient(db.pool);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await db?.drop();
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
  it(
    "round two #13: completes those that fit one at a time and dead-letters the one that crashes it alone, across restarts",
    { timeout: 240_000 },
    async () => {
      const queue = "oversized";
      const deadLetter = "oversized_dead";
      await pgmq.ensureQueue(queue);
      await pgmq.ensureQueue(deadLetter);
      // Six that fit one at a time (but not together) and, third, one that does not fit even alone.
      const sizes = [24, 24, 96, 24, 24, 24, 24].map((mib) => mib * MiB);
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
      const tooBig = ids[2]!;

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
        const run = startWorker(env, 160);
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
      // Nothing left, nothing lost: every fitting message archived whole, the one too big dead-lettered whole.
      expect(await count(`pgmq.q_${queue}`), JSON.stringify(context)).toBe(0);
      expect(archived.rows.map((row) => row.msg_id)).toEqual(ids.filter((id) => id !== tooBig));
      expect(archived.rows.every((row) => row.blob_length === 24 * MiB)).toBe(true);
      expect(dead.rows).toHaveLength(1);
      expect(dead.rows[0]).toMatchObject({ source: tooBig, blob_length: 96 * MiB });
      expect(dead.rows[0]!.error).toMatch(/exceeds maxAttempts 2/);
      // The one too big crashed its worker once per allowed attempt, and its handler never ran.
      expect(lines.filter((line) => line.event === "start" && line.msgId === tooBig)).toEqual([]);
      expect(starts).toBeLessThanOrEqual(maxStarts);
    },
  );
});

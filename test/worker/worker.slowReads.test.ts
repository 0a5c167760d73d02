/**
 * Reads slower than the prefetch horizon (a remote or loaded database): the
 * start rate measured between reads can show no more than the reads
 * supplied, so without a growth rule the reads shrink to the free slots and
 * throughput to a few slots per read round trip. The latency is added in
 * process in front of the real read, so the read itself and every row it
 * takes are PostgreSQL's.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

/** Milliseconds each read waits before it reaches the database. */
const READ_LATENCY_MS = 300;

const db = useTestDatabase("worker_slow_reads");

afterEach(() => {
  vi.restoreAllMocks();
});

/** Makes every `readWithin` wait `latencyMs` before the real read; returns the quantities asked, in order. */
function slowReads(latencyMs: number): number[] {
  const asked: number[] = [];
  const readWithin = PgmqClient.prototype.readWithin;
  vi.spyOn(PgmqClient.prototype, "readWithin").mockImplementation(async function (
    this: PgmqClient,
    ...args: Parameters<PgmqClient["readWithin"]>
  ) {
    asked.push(args[2]);
    await sleep(latencyMs);
    return readWithin.apply(this, args);
  });
  return asked;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("slow reads", () => {
  it("issue 11 prefetch: reads of 300 ms grow to hundreds of messages, and every job runs once", async () => {
    const name = "slow_reads";
    const definition = testQueue(name, { onSuccess: "delete" });
    await db.pgmq.ensureQueue(name);
    const jobs = 2_000;
    for (let from = 0; from < jobs; from += 1_000) {
      await db.pgmq.sendBatch(
        name,
        Array.from({ length: 1_000 }, (_, i) => definition.codec.encode({ n: from + i })),
      );
    }
    const asked = slowReads(READ_LATENCY_MS);
    const runs = new Map<number, number>();
    let done = 0;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: (job: TestJob) => {
          runs.set(job.n, (runs.get(job.n) ?? 0) + 1);
          done += 1;
        },
      },
      { pool: db.pool, concurrency: 16 },
    );
    db.track(worker);
    await worker.start();
    // Reads of the free slots (~16 per 300 ms) would take ~40 s; growing reads take a few.
    await waitFor(() => done >= jobs, 15_000, `${jobs} jobs`);
    await worker.stop();

    expect(median(asked), `asked ${asked.join(",")}`).toBeGreaterThanOrEqual(100);
    expect(Math.max(...asked)).toBeLessThanOrEqual(500);
    expect(runs.size).toBe(jobs);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(await queueRows(db.pool, name)).toEqual([]);
  });
});

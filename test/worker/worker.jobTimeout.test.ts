/**
 * A queue's `jobTimeout`: the handler's signal aborts and the attempt counts as failed.
 */
import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import type { JobContext, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_job_timeout");

async function start(name: string, handle: (job: TestJob, ctx: JobContext) => Promise<void>) {
  const definition = testQueue(name, { jobTimeout: 0.4, maxRetries: 2, backoff: { kind: "fixed", delay: 0.05 } });
  const worker = createQueueWorker({ [name]: definition }, { [name]: handle }, { pool: db.pool, pollInterval: 50 });
  db.track(worker);
  const fails: WorkerEvents["job:fail"][0][] = [];
  const completes: WorkerEvents["job:complete"][0][] = [];
  worker.on("job:fail", (event) => fails.push(event));
  worker.on("job:complete", (event) => completes.push(event));
  await worker.start();
  const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
  return { fails, completes, msgId };
}

describe("jobTimeout", () => {
  it("aborts the handler's signal after the timeout and retries the job", async () => {
    const aborts: Array<{ attempt: number; afterMs: number; reason: string }> = [];
    const { fails, completes, msgId } = await start("timeout_abort", async (_job, ctx) => {
      if (ctx.attempt > 1) return;
      const startedAt = Date.now();
      await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
      aborts.push({ attempt: ctx.attempt, afterMs: Date.now() - startedAt, reason: (ctx.signal.reason as Error).name });
      throw ctx.signal.reason;
    });
    await waitFor(() => completes.length === 1, 10_000, "completion of the retry");
    expect(aborts).toHaveLength(1);
    expect(aborts[0]!.reason).toBe("JobTimeoutError");
    expect(aborts[0]!.afterMs).toBeGreaterThanOrEqual(350);
    expect(aborts[0]!.afterMs).toBeLessThan(2000);
    expect(fails.map((event) => [event.attempt, (event.error as Error).name])).toEqual([[1, "JobTimeoutError"]]);
    expect(completes[0]!.attempt).toBe(2);
    expect(await archivedIds(db.pool, "timeout_abort")).toEqual([msgId]);
  });

  it("counts a handler that ignores its signal and returns late as failed", async () => {
    const { fails, completes } = await start("timeout_ignored", async (_job, ctx) => {
      if (ctx.attempt === 1) await sleep(800);
    });
    await waitFor(() => completes.length === 1, 10_000, "completion of the retry");
    expect(fails.map((event) => [event.attempt, (event.error as Error).name])).toEqual([[1, "JobTimeoutError"]]);
    expect(completes[0]!.attempt).toBe(2);
  });
});

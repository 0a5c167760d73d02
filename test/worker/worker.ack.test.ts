/**
 * How a delivery ends when the handler returns or throws: archive or delete,
 * retry after the backoff, kill (dead-letter or delete).
 */
import { describe, expect, it } from "vitest";
import { UnrecoverableError } from "../../packages/runtime/src/errors.js";
import type { JobContext, QueueOptions, WorkerEvents } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, queueRows, testQueue, type TestJob, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_ack");

type Handler = (job: TestJob, ctx: JobContext) => Promise<void> | void;

/** Starts a worker on one queue and collects its events. */
async function startWorker(name: string, options: Partial<QueueOptions>, handle: Handler) {
  const definition = testQueue(name, options);
  const worker = createQueueWorker(
    { [name]: definition },
    { [name]: handle },
    {
      pool: db.pool,
      pollInterval: 50,
    },
  );
  db.track(worker);
  const events: { [E in keyof WorkerEvents]: WorkerEvents[E][0][] } = {
    "job:start": [],
    "job:complete": [],
    "job:fail": [],
    "job:kill": [],
    "archive:prune": [],
    error: [],
  };
  worker.on("job:start", (event) => events["job:start"].push(event));
  worker.on("job:complete", (event) => events["job:complete"].push(event));
  worker.on("job:fail", (event) => events["job:fail"].push(event));
  worker.on("job:kill", (event) => events["job:kill"].push(event));
  worker.on("error", (error) => events.error.push(error));
  await worker.start();
  const push = (job: TestJob) => db.pgmq.send(name, definition.codec.encode(job));
  return { worker, events, push };
}

describe("a handler that returns", () => {
  it("archives the message (onSuccess: archive)", async () => {
    const seen: Array<{ n: number; attempt: number; maxAttempts: number; queue: string }> = [];
    const signals: boolean[] = [];
    const { events, push } = await startWorker("done_archive", { onSuccess: "archive" }, (job, ctx) => {
      seen.push({ n: job.n, attempt: ctx.attempt, maxAttempts: ctx.maxAttempts, queue: ctx.queue });
      // The signal is made on first use, once per job.
      // biome-ignore lint/suspicious/noSelfCompare: the getter must return the same signal each time.
      signals.push(ctx.signal instanceof AbortSignal && ctx.signal === ctx.signal && !ctx.signal.aborted);
    });
    const msgId = await push({ n: 1 });
    await waitFor(() => events["job:complete"].length === 1, 10_000, "job:complete");
    expect(seen).toEqual([{ n: 1, attempt: 1, maxAttempts: 4, queue: "done_archive" }]);
    expect(signals).toEqual([true]);
    expect(await archivedIds(db.pool, "done_archive")).toEqual([msgId]);
    expect(await queueRows(db.pool, "done_archive")).toEqual([]);
    expect(events["job:complete"][0]).toMatchObject({ queue: "done_archive", msgId, attempt: 1 });
    expect(events.error).toEqual([]);
  });

  it("deletes the message (onSuccess: delete)", async () => {
    const { events, push } = await startWorker("done_delete", { onSuccess: "delete" }, () => {});
    const msgId = await push({ n: 1 });
    await waitFor(() => events["job:complete"].length === 1, 10_000, "job:complete");
    expect(events["job:complete"][0]!.msgId).toBe(msgId);
    expect(await archivedIds(db.pool, "done_delete")).toEqual([]);
    expect(await queueRows(db.pool, "done_delete")).toEqual([]);
  });
});

describe("a handler that throws", () => {
  it("retries after the backoff with growing attempts, then succeeds", async () => {
    const attempts: Array<{ attempt: number; at: number }> = [];
    const { events, push } = await startWorker(
      "failed_retry",
      { maxRetries: 3, backoff: { kind: "fixed", delay: 0.6 } },
      (_job, ctx) => {
        attempts.push({ attempt: ctx.attempt, at: Date.now() });
        if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
      },
    );
    const msgId = await push({ n: 1 });
    await waitFor(() => events["job:complete"].length === 1, 15_000, "job:complete");
    expect(attempts.map((entry) => entry.attempt)).toEqual([1, 2, 3]);
    // The message came back no earlier than its backoff (0.6 s), and not much later (poll 50 ms).
    for (let index = 1; index < attempts.length; index++) {
      const gap = attempts[index]!.at - attempts[index - 1]!.at;
      expect(gap).toBeGreaterThanOrEqual(550);
      expect(gap).toBeLessThan(2500);
    }
    expect(
      events["job:fail"].map((event) => [event.attempt, event.retryInSeconds, (event.error as Error).message]),
    ).toEqual([
      [1, 0.6, "boom 1"],
      [2, 0.6, "boom 2"],
    ]);
    expect(await archivedIds(db.pool, "failed_retry")).toEqual([msgId]);
  });

  it("uses exponential backoff from the queue's options", async () => {
    const attempts: number[] = [];
    const { events, push } = await startWorker(
      "failed_exponential",
      { maxRetries: 2, backoff: { kind: "exponential", initial: 0.3, factor: 3, max: 60, jitter: false } },
      () => {
        attempts.push(Date.now());
        throw new Error("always");
      },
    );
    await push({ n: 1 });
    await waitFor(() => events["job:kill"].length === 1, 15_000, "job:kill");
    const delays = events["job:fail"].map((event) => event.retryInSeconds);
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeCloseTo(0.3, 9);
    expect(delays[1]).toBeCloseTo(0.9, 9);
    const gaps = [attempts[1]! - attempts[0]!, attempts[2]! - attempts[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(250);
    expect(gaps[1]).toBeGreaterThanOrEqual(850);
    expect(gaps[1]).toBeLessThan(3000);
  });

  it("kills the message once no attempts remain: deleted without a dead-letter queue", async () => {
    const { events, push } = await startWorker(
      "failed_killed",
      { maxRetries: 1, backoff: { kind: "fixed", delay: 0.05 } },
      () => {
        throw new Error("still broken");
      },
    );
    const msgId = await push({ n: 1 });
    await waitFor(() => events["job:kill"].length === 1, 10_000, "job:kill");
    expect(events["job:fail"].length).toBe(1);
    const kill = events["job:kill"][0]!;
    expect(kill).toMatchObject({ queue: "failed_killed", msgId, attempt: 2, deadLetter: null });
    expect(kill.reason).toContain("still broken");
    expect((kill.error as Error).message).toBe("still broken");
    expect(await queueRows(db.pool, "failed_killed")).toEqual([]);
    expect(await archivedIds(db.pool, "failed_killed")).toEqual([]);
  });

  it("kills at once on UnrecoverableError, into the dead-letter queue with its headers", async () => {
    let runs = 0;
    const { events } = await startWorker("unrecoverable", { maxRetries: 5, deadLetter: "unrecoverable_dlq" }, () => {
      runs += 1;
      throw new UnrecoverableError("card declined");
    });
    const definition = testQueue("unrecoverable");
    const msgId = await db.pgmq.send("unrecoverable", definition.codec.encode({ n: 7 }), { headers: { trace: "abc" } });
    await waitFor(() => events["job:kill"].length === 1, 10_000, "job:kill");
    expect(runs).toBe(1);
    expect(events["job:fail"]).toEqual([]);
    expect(events["job:kill"][0]).toMatchObject({
      msgId,
      attempt: 1,
      deadLetter: "unrecoverable_dlq",
      reason: "card declined",
    });
    expect(await queueRows(db.pool, "unrecoverable")).toEqual([]);
    const [dead] = await queueRows(db.pool, "unrecoverable_dlq");
    expect(dead!.message).toEqual({ n: 7 });
    expect(dead!.visibleIn).toBeLessThanOrEqual(0);
    expect(dead!.headers).toMatchObject({
      trace: "abc",
      "x-pgmq-gen-dead-letter": {
        error: "card declined",
        attempts: 1,
        sourceQueue: "unrecoverable",
        sourceMsgId: msgId.toString(),
      },
    });
    expect(typeof (dead!.headers!["x-pgmq-gen-dead-letter"] as { killedAt: unknown }).killedAt).toBe("string");
  });

  it("dead-letters a message that failed its last attempt with the attempt count", async () => {
    const { events, push } = await startWorker(
      "exhausted_dlq",
      { maxRetries: 2, backoff: { kind: "fixed", delay: 0.05 }, deadLetter: "exhausted_dlq_dead" },
      (_job, ctx) => {
        throw new Error(`fail ${ctx.attempt}`);
      },
    );
    const msgId = await push({ n: 3 });
    await waitFor(() => events["job:kill"].length === 1, 10_000, "job:kill");
    const [dead] = await queueRows(db.pool, "exhausted_dlq_dead");
    expect(dead!.headers!["x-pgmq-gen-dead-letter"]).toMatchObject({
      attempts: 3,
      sourceMsgId: msgId.toString(),
      sourceQueue: "exhausted_dlq",
    });
    expect(String((dead!.headers!["x-pgmq-gen-dead-letter"] as { error: string }).error)).toContain("fail 3");
    expect(await queueRows(db.pool, "exhausted_dlq")).toEqual([]);
  });
});

describe("handler forms and events", () => {
  it("accepts a { handle } object and survives a throwing event listener", async () => {
    const name = "handler_object";
    const definition = testQueue(name);
    const seen: number[] = [];
    const handler = {
      factor: 10,
      handle(job: TestJob) {
        seen.push(job.n * this.factor);
      },
    };
    const worker = createQueueWorker({ [name]: definition }, { [name]: handler }, { pool: db.pool, pollInterval: 50 });
    db.track(worker);
    const errors: unknown[] = [];
    const completed: bigint[] = [];
    worker.on("job:start", () => {
      throw new Error("listener bug");
    });
    worker.on("error", (error) => errors.push(error));
    worker.on("job:complete", (event) => completed.push(event.msgId));
    await worker.start();
    await db.pgmq.send(name, definition.codec.encode({ n: 4 }));
    await db.pgmq.send(name, definition.codec.encode({ n: 5 }));
    await waitFor(() => completed.length === 2, 10_000, "two completions");
    expect(seen.sort()).toEqual([40, 50]);
    expect(errors.map((error) => (error as Error).message)).toEqual(["listener bug", "listener bug"]);
  });
});

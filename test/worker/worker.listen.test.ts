/**
 * LISTEN/NOTIFY: an idle worker picks up a pushed job at once, long before
 * its next poll, and keeps doing so after its listening connection is killed.
 */
import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { testQueue, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_listen");

/** Backend pids of connections whose last query was a LISTEN. */
async function listenerPids(): Promise<number[]> {
  const { rows } = await db.pool.query(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN %'",
  );
  return rows.map((row) => row.pid as number);
}

describe("LISTEN/NOTIFY wake-ups", () => {
  it("runs a pushed job within a fraction of the poll interval, also after the listener's connection is killed", async () => {
    const name = "listen_wake";
    const definition = testQueue(name);
    const startedAt: number[] = [];
    const errors: unknown[] = [];
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: () => void startedAt.push(Date.now()) },
      {
        pool: db.pool,
        pollInterval: 60_000,
      },
    );
    db.track(worker);
    worker.on("error", (error) => errors.push(error));
    await worker.start();
    // Let the first (empty) read finish so the loop is asleep on its 60 s poll.
    await sleep(300);

    let pushedAt = Date.now();
    await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    await waitFor(() => startedAt.length === 1, 5_000, "the first job");
    expect(startedAt[0]! - pushedAt).toBeLessThan(2000);

    const [pid] = await listenerPids();
    expect(pid).toBeTypeOf("number");
    await db.pool.query("SELECT pg_terminate_backend($1)", [pid]);
    await waitFor(() => errors.length > 0, 5_000, "the lost listener to be reported");
    await waitFor(
      async () => {
        const pids = await listenerPids();
        return pids.length === 1 && pids[0] !== pid;
      },
      10_000,
      "the listener to reconnect",
    );
    await sleep(300);
    pushedAt = Date.now();
    await db.pgmq.send(name, definition.codec.encode({ n: 2 }));
    await waitFor(() => startedAt.length === 2, 5_000, "the second job");
    expect(startedAt[1]! - pushedAt).toBeLessThan(2000);
  });

  it("with listen: false relies on polling alone", async () => {
    const name = "listen_off";
    const definition = testQueue(name);
    const worker = createQueueWorker(
      { [name]: definition },
      { [name]: () => {} },
      {
        pool: db.pool,
        pollInterval: 400,
        listen: false,
      },
    );
    db.track(worker);
    const completes: bigint[] = [];
    worker.on("job:complete", (event) => completes.push(event.msgId));
    await worker.start();
    const before = await listenerPids();
    const msgId = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    await waitFor(() => completes.length === 1, 5_000, "the polled job");
    expect(completes).toEqual([msgId]);
    // Only the first test's worker listens.
    expect((await listenerPids()).length).toBe(before.length);
  });
});

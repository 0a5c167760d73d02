/**
 * worker.start(): creates the queues and their dead-letter queues, or, with
 * autoCreate off, fails naming the queue that is missing.
 */
import { afterAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { testQueue } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_start");

afterAll(async () => {
  configure({ autoCreate: true });
});

async function tables(): Promise<string[]> {
  const { rows } = await db.pool.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'pgmq' AND tablename ~ '^[qa]_' ORDER BY tablename",
  );
  return rows.map((row) => row.tablename as string);
}

describe("worker.start()", () => {
  it("creates the worker's queues and their dead-letter queues", async () => {
    const worker = createQueueWorker(
      { start_a: testQueue("start_a", { deadLetter: "start_a_dead" }), start_b: testQueue("start_b") },
      { start_a: () => {}, start_b: () => {} },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    await worker.start();
    expect(await tables()).toEqual([
      "a_start_a",
      "a_start_a_dead",
      "a_start_b",
      "q_start_a",
      "q_start_a_dead",
      "q_start_b",
    ]);
    await worker.stop();
  });

  it("with autoCreate off, rejects with QueueMissingError naming the missing queue, then its dead-letter queue", async () => {
    configure({ autoCreate: false });
    const definitions = { start_missing: testQueue("start_missing", { deadLetter: "start_missing_dead" }) };
    const first = createQueueWorker(definitions, { start_missing: () => {} }, { pool: db.pool });
    db.track(first);
    const error = await first.start().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(QueueMissingError);
    expect((error as QueueMissingError).queue).toBe("start_missing");
    expect((error as Error).message).toContain('queue "start_missing" does not exist');

    // The queue exists now, its dead-letter queue does not.
    configure({ autoCreate: true });
    await new PgmqClient(db.pool).ensureQueue("start_missing");
    configure({ autoCreate: false });
    const second = createQueueWorker(definitions, { start_missing: () => {} }, { pool: db.pool });
    db.track(second);
    await expect(second.start()).rejects.toMatchObject({ name: "QueueMissingError", queue: "start_missing_dead" });
    expect(await tables()).not.toContain("q_start_missing_dead");
  });
});

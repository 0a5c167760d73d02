/**
 * Acks fenced by the delivery they belong to: an ack that finds its message
 * gone, or taken by another reader (PGMQ's read bumped `read_ct`), writes
 * nothing, emits no job event and is reported as `AckLostError` (round two
 * #5, #7). A heartbeat that finds the lease gone aborts the job's signal
 * with `LeaseLostError`.
 */
import { describe, expect, it } from "vitest";
import { UnrecoverableError } from "../../packages/runtime/src/errors.js";
import type { JobContext, Worker } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import pg from "pg";
import { adminUrl } from "../helpers/database.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, deferred, queueRows, testQueue, waitFor } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_lost_lease");

function collect(worker: Worker) {
  const events: string[] = [];
  const errors: Error[] = [];
  for (const event of ["job:complete", "job:fail", "job:kill"] as const) worker.on(event, () => events.push(event));
  worker.on("error", (error) => errors.push(error as Error));
  return { events, errors };
}

/** What another worker's read does: the message's timeout passed, and a read took it (read_ct + 1). */
async function stealDelivery(queue: string, msgId: bigint): Promise<void> {
  await db.pool.query(`UPDATE pgmq.q_${queue} SET vt = clock_timestamp() WHERE msg_id = $1`, [msgId.toString()]);
  const taken = await db.pgmq.read(queue, 60, 1);
  expect(taken.map((message) => message.msgId)).toEqual([msgId]);
}

describe("round two #5: job events only for acks that were written", () => {
  it("round two #5: a done job whose message disappeared mid-run emits no job:complete but an AckLostError", async () => {
    const name = "vanished";
    const definition = testQueue(name);
    await db.pgmq.ensureQueue(name);
    const id = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    const started = deferred();
    const release = deferred();
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async () => {
          started.resolve();
          await release.promise;
        },
      },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { events, errors } = collect(worker);
    await worker.start();
    await started.promise;
    await db.pool.query(`DELETE FROM pgmq.q_${name} WHERE msg_id = $1`, [id.toString()]);
    release.resolve();
    await waitFor(() => errors.length > 0, 5000, "the lost ack to be reported");
    await worker.stop();
    expect(events).toEqual([]);
    expect(errors.map((error) => error.name)).toEqual(["AckLostError"]);
    expect(errors[0]!.message).toContain(`${name} message ${id}`);
    expect(await archivedIds(db.pool, name)).toEqual([]);
  });

  it("round two #5: a kill whose delivery another reader took writes nothing and emits no job:kill", async () => {
    const name = "stolen_kill";
    const dlq = "stolen_kill_dlq";
    const definition = testQueue(name, { deadLetter: dlq });
    await db.pgmq.ensureQueue(name);
    await db.pgmq.ensureQueue(dlq);
    const id = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    const started = deferred();
    const release = deferred();
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async () => {
          started.resolve();
          await release.promise;
          throw new UnrecoverableError("stale holder gives up");
        },
      },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { events, errors } = collect(worker);
    await worker.start();
    await started.promise;
    await stealDelivery(name, id);
    release.resolve();
    await waitFor(() => errors.length > 0, 5000, "the lost ack to be reported");
    await worker.stop();
    expect(events).toEqual([]);
    expect(errors.map((error) => error.name)).toEqual(["AckLostError"]);
    // The other reader's delivery is untouched: still queued with its read_ct, nothing dead-lettered.
    expect((await queueRows(db.pool, name)).map((row) => [row.msgId, row.readCt])).toEqual([[id, 2]]);
    expect(await queueRows(db.pool, dlq)).toEqual([]);
  });
});

/** Runs `sql` on the server's admin database (the test database may be refusing connections). */
async function admin(sql: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

describe("round two #5: an ack given up while the database is unreachable", () => {
  it("round two #5: emits no job:complete but AckLostError (deadlinePassed), and the job runs again once the database is back", async () => {
    const name = "unreachable";
    const definition = testQueue(name, { visibilityTimeout: 2 });
    await db.pgmq.ensureQueue(name);
    const id = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    const workerPool = new pg.Pool({ connectionString: db.url, max: 4 });
    const started = deferred();
    const release = deferred();
    let runs = 0;
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async () => {
          runs += 1;
          if (runs > 1) return;
          started.resolve();
          await release.promise;
        },
      },
      { pool: workerPool, pollInterval: 50, listen: false },
    );
    db.track(worker);
    const { events, errors } = collect(worker);
    const completed: bigint[] = [];
    worker.on("job:complete", (event) => completed.push(event.msgId));
    await worker.start();
    await started.promise;
    // Nobody may connect to the test database, and every connection it has is ended.
    await admin(`ALTER DATABASE ${pg.escapeIdentifier(db.name)} ALLOW_CONNECTIONS false`);
    try {
      await admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [db.name]);
      release.resolve();
      await waitFor(() => errors.some((error) => error.name === "AckLostError"), 10_000, "the ack to be given up");
    } finally {
      await admin(`ALTER DATABASE ${pg.escapeIdentifier(db.name)} ALLOW_CONNECTIONS true`);
    }
    const lost = errors.find((error) => error.name === "AckLostError") as Error & { reason?: string };
    expect(lost.reason).toBe("deadlinePassed");
    expect(lost.message).toContain(`${name} message ${id}`);
    expect(events).toEqual([]);
    // Back: the message reappears and its second run is acked.
    await waitFor(() => completed.length === 1, 15_000, "the second run to complete");
    await worker.stop();
    await workerPool.end();
    expect(runs).toBe(2);
    expect(completed).toEqual([id]);
    expect(await archivedIds(db.pool, name)).toEqual([id]);
  });
});

describe("round two #7: a heartbeat that finds its lease gone", () => {
  it("round two #7: aborts the job's signal with LeaseLostError, and the failed attempt's retry is not written", async () => {
    const name = "lease_lost";
    const definition = testQueue(name, { visibilityTimeout: 1 });
    await db.pgmq.ensureQueue(name);
    const id = await db.pgmq.send(name, definition.codec.encode({ n: 1 }));
    const started = deferred();
    const reasons: unknown[] = [];
    const worker = createQueueWorker(
      { [name]: definition },
      {
        [name]: async (_job: unknown, ctx: JobContext) => {
          started.resolve();
          await new Promise<void>((resolve) => {
            ctx.signal.addEventListener("abort", () => resolve(), { once: true });
            setTimeout(resolve, 8000);
          });
          reasons.push(ctx.signal.reason);
          throw ctx.signal.reason ?? new Error("not aborted");
        },
      },
      { pool: db.pool, pollInterval: 50 },
    );
    db.track(worker);
    const { events, errors } = collect(worker);
    await worker.start();
    await started.promise;
    await stealDelivery(name, id);
    await waitFor(() => reasons.length > 0 && errors.some((error) => error.name === "AckLostError"), 6000, "the abort");
    await worker.stop();
    expect((reasons[0] as Error).name).toBe("LeaseLostError");
    expect((reasons[0] as Error).message).toContain(`${name} message ${id}`);
    expect(events).toEqual([]);
    // The thief's hold stands: the stale holder's retry did not make it visible again.
    const [row] = await queueRows(db.pool, name);
    expect(row!.readCt).toBe(2);
    expect(row!.visibleIn).toBeGreaterThan(30);
  });
});

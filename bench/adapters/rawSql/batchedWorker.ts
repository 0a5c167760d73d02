/**
 * The baseline's worker: one fetch loop that keeps a local buffer of up to
 * `prefetch` read messages (one statement per refill, as graphile-worker's
 * local queue does), hands them to at most `concurrency` handlers, and one
 * flusher that archives every finished job gathered since its last statement
 * in one statement. Two statements per batch, whatever its size.
 */
import type pg from "pg";
import type { BenchJob, RunningWorker, WorkerSpec } from "../../system.js";
import { insertChannel } from "./pgmqLayout.js";
import { archiveMessages, readMessages } from "./statements.js";

/** Seconds a read message stays hidden; far beyond any bench run. */
const visibilitySeconds = 60;
/** Fallback poll when no NOTIFY arrives, in ms. */
const pollIntervalMs = 1000;
/** Messages read and held locally at most: graphile-worker's `localQueue.size` of its performance page. */
export const prefetch = 500;

export async function startBatchedWorker(pool: pg.Pool, spec: WorkerSpec): Promise<RunningWorker> {
  let running = true;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const pendingAcks: string[] = [];
  let flushing: Promise<void> | null = null;

  const listener = await pool.connect();
  listener.on("notification", () => wake?.());
  await listener.query(`LISTEN "${insertChannel}"`);

  function sleepUntilWoken(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  }

  function flushAcks(): void {
    if (flushing || pendingAcks.length === 0) return;
    const ids = pendingAcks.splice(0, pendingAcks.length);
    flushing = pool
      .query(archiveMessages(ids))
      .then(() => undefined)
      .finally(() => {
        flushing = null;
        flushAcks();
        wake?.();
      });
  }

  const buffer: { msg_id: string; message: BenchJob }[] = [];

  async function runJob(msgId: string, job: BenchJob): Promise<void> {
    try {
      await spec.handle(job);
      pendingAcks.push(msgId);
    } finally {
      inFlight--;
    }
    dispatch();
    flushAcks();
  }

  function dispatch(): void {
    while (inFlight < spec.concurrency && buffer.length > 0) {
      const row = buffer.shift()!;
      inFlight++;
      void runJob(row.msg_id, row.message);
    }
    // Refill once the buffer runs low.
    if (buffer.length < spec.concurrency) wake?.();
  }

  async function fetchLoop(): Promise<void> {
    while (running) {
      const room = prefetch - buffer.length - inFlight;
      if (room <= 0 || buffer.length >= spec.concurrency) {
        await sleepUntilWoken(pollIntervalMs);
        continue;
      }
      const { rows } = await pool.query<{ msg_id: string; message: BenchJob }>(readMessages(room, visibilitySeconds));
      if (rows.length === 0) {
        await sleepUntilWoken(pollIntervalMs);
        continue;
      }
      buffer.push(...rows);
      dispatch();
    }
  }

  const loop = fetchLoop();
  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
      // Messages still buffered were never run: let other workers read them at once.
      if (buffer.length > 0) {
        await pool.query("UPDATE pgmq.q_bench SET vt = clock_timestamp() WHERE msg_id = ANY($1::bigint[])", [
          buffer.splice(0).map((row) => row.msg_id),
        ]);
      }
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      while (flushing || pendingAcks.length > 0) {
        flushAcks();
        await flushing;
      }
      await listener.query(`UNLISTEN "${insertChannel}"`);
      listener.release();
    },
  };
}

/**
 * Typed producers: what `emailQueue.push(job)` runs. Validates and encodes
 * with the queue's codec, makes sure the queue exists, sends.
 *
 * Queue creation (first push per pool, the queue and its dead-letter queue) always runs on the shared pool, in
 * its own transaction, even when the push is given the caller's `client`:
 * DDL inside the caller's transaction would be rolled back with it while the
 * "queue exists" cache kept saying otherwise. The cost: with `client`, the
 * first push per queue needs a second connection from the shared pool for a
 * moment (or the queues created beforehand with `pgmq-gen migrate`).
 */
import { getPool } from "./connection.js";
import { type JobIssues, ValidationError } from "./errors.js";
import { type PgmqClient, pgmqClientFor } from "./pgmq.js";
import type { JsonValue, Producer, PushOptions, QueueDefinition } from "./types.js";

export function createProducer<TName extends string, TJob>(definition: QueueDefinition<TName, TJob>): Producer<TJob> {
  const { name: queue, codec } = definition;
  const deadLetter = definition.options.deadLetter;

  /** The queue and its dead-letter queue exist (created on first use unless autoCreate is off); cached per pool. */
  async function ensured(): Promise<PgmqClient> {
    const client = pgmqClientFor(getPool());
    await client.ensureQueue(queue);
    if (deadLetter !== null) await client.ensureQueue(deadLetter);
    return client;
  }

  return {
    queue,

    async push(job: TJob, options: PushOptions = {}): Promise<bigint> {
      const message = codec.encode(job);
      const client = await ensured();
      return client.send(queue, message, {
        delay: options.delay,
        headers: options.headers ?? null,
        ...(options.client !== undefined ? { client: options.client } : {}),
      });
    },

    async pushBatch(jobs: readonly TJob[], options: PushOptions = {}): Promise<bigint[]> {
      // Every job is checked before anything is sent: one invalid job sends none.
      const messages: JsonValue[] = [];
      const failures: JobIssues[] = [];
      jobs.forEach((job, index) => {
        try {
          messages.push(codec.encode(job));
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          failures.push({ index, issues: error.issues });
        }
      });
      if (failures.length > 0) throw ValidationError.forBatch(queue, failures);
      if (messages.length === 0) return [];
      const client = await ensured();
      return client.sendBatch(queue, messages, {
        delay: options.delay,
        headers: options.headers ?? null,
        ...(options.client !== undefined ? { client: options.client } : {}),
      });
    },
  };
}

/**
 * `tsx bench/readCost.ts [--messages 20000] [--batch 500] [--rounds 3]`
 *
 * What a read costs on a drain of small messages: fills two queues with the
 * same bench payloads, then drains them by reads of `--batch`, alternating
 * read by read between PGMQ's plain read (`PgmqClient.read`) on one and the
 * worker's bounded read (`readWithin`, default worker limits) on the other,
 * so both see the same load on a shared machine. Each read's messages are
 * deleted after it (untimed), as a drain's acks do. Prints, per round, the
 * median and quartiles of milliseconds per read of each. docs/performance.md
 * quotes its output.
 */
import pg from "pg";
import { PgmqClient } from "../packages/runtime/src/pgmq.js";
import type { JsonValue } from "../packages/runtime/src/types.js";
import { createBenchDatabase } from "./database.js";
import { benchJobs } from "./jobs.js";

function option(name: string, fallback: string): number {
  const index = process.argv.indexOf(`--${name}`);
  return Number(index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback);
}

const messages = option("messages", "20000");
const batch = option("batch", "500");
const rounds = option("rounds", "3");
const limits = { maxBytes: 16 * 1024 * 1024, inlineBytes: 1024 * 1024, inlineReadCt: 4 };
const kinds = ["read", "readWithin"] as const;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

const database = await createBenchDatabase("pgmq-gen", "read_cost");
const pool = new pg.Pool({ connectionString: database.url, max: 2 });
const client = new PgmqClient(pool);
try {
  for (let round = 1; round <= rounds; round++) {
    const times: Record<(typeof kinds)[number], number[]> = { read: [], readWithin: [] };
    for (const kind of kinds) {
      const queue = `cost_${kind.toLowerCase()}_${round}`;
      for (let from = 0; from < messages; from += 5000) {
        await client.sendBatch(queue, benchJobs(from, Math.min(5000, messages - from)) as unknown as JsonValue[]);
      }
      await pool.query(`VACUUM ANALYZE pgmq.q_${queue}`);
    }
    const counts = { read: 0, readWithin: 0 };
    for (;;) {
      let taken = 0;
      for (const kind of kinds) {
        const queue = `cost_${kind.toLowerCase()}_${round}`;
        const startedAt = process.hrtime.bigint();
        const read =
          kind === "read"
            ? await client.read(queue, 30, batch)
            : (await client.readWithin(queue, 30, batch, limits)).messages;
        if (read.length > 0) times[kind].push(Number(process.hrtime.bigint() - startedAt) / 1e6);
        // Acked as a drain acks them, so the next read starts past them as the worker's does.
        await client.delete(
          queue,
          read.map((message) => message.msgId),
        );
        counts[kind] += read.length;
        taken += read.length;
      }
      if (taken === 0) break;
    }
    for (const kind of kinds) {
      if (counts[kind] !== messages) throw new Error(`${kind}: read ${counts[kind]} of ${messages}`);
      const sorted = times[kind].sort((a, b) => a - b);
      console.log(
        `round ${round} ${kind.padEnd(10)} ms/read median ${quantile(sorted, 0.5).toFixed(2)} ` +
          `(quartiles ${quantile(sorted, 0.25).toFixed(2)}–${quantile(sorted, 0.75).toFixed(2)}, ${sorted.length} reads of ${batch})`,
      );
    }
  }
} finally {
  await pool.end();
  await database.drop();
}

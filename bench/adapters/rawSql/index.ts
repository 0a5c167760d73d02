/**
 * The raw-SQL baseline: no library, PGMQ's table layout, prepared statements,
 * batched read and batched archive. It shows what the database itself allows.
 */
import pg from "pg";
import type { BenchJob, SystemAdapter, SystemSession } from "../../system.js";
import { installedVersion } from "../../versions.js";
import { prefetch, startBatchedWorker } from "./batchedWorker.js";
import { createPgmqLayout } from "./pgmqLayout.js";
import { sendMany, sendOne } from "./statements.js";

const poolSize = 10;

export const rawSqlAdapter: SystemAdapter = {
  id: "raw-sql",
  version: `pg ${installedVersion("pg")}`,
  settings: {
    poolSize,
    push: "prepared INSERT",
    pushBatch: "one INSERT ... SELECT unnest($1::jsonb[])",
    read: `FOR UPDATE SKIP LOCKED into a local buffer of ${prefetch}`,
    ack: "batched archive (DELETE ... RETURNING -> INSERT)",
    wake: "LISTEN + statement-level NOTIFY trigger",
  },
  workloads: ["enqueue-single", "enqueue-batch", "drain", "latency", "mixed"],
  async open(databaseUrl: string): Promise<SystemSession> {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
    // The harness drops the database with FORCE at the end; idle clients then error harmlessly.
    pool.on("error", () => {});
    const client = await pool.connect();
    try {
      await createPgmqLayout(client);
    } finally {
      client.release();
    }
    return {
      async push(job: BenchJob) {
        await pool.query(sendOne(JSON.stringify(job)));
      },
      async pushBatch(jobs: readonly BenchJob[]) {
        await pool.query(sendMany(jobs.map((job) => JSON.stringify(job))));
      },
      startWorker: (spec) => startBatchedWorker(pool, spec),
      close: () => pool.end(),
    };
  },
};

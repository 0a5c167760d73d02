/**
 * Two databases per layout (depthSystem.ts), made once per run: one holds
 * the scenario's backlog (built once, reset between measurements, see
 * queueData.ts: at 10M rows a backlog costs minutes), the other stays empty,
 * so each deep figure has an empty-queue figure measured next to it.
 */
import pg from "pg";
import { ensureQueues } from "../../packages/runtime/src/index.js";
import { installPgmqSql, type PgmqVersion } from "../../test/interop/installPgmqSql.js";
import { createBenchDatabase, type BenchDatabase } from "../database.js";
import type { DepthLayout, DepthQueue } from "./depthSystem.js";
import type { DepthParams } from "./scenarios.js";
import { QueueData } from "./queueData.js";

const queues: readonly DepthQueue[] = ["bench_delete", "bench_archive"];

export interface DepthDatabase {
  readonly layout: DepthLayout;
  readonly database: BenchDatabase;
  /** The bench's own connection, for building and resetting backlogs. */
  readonly pool: pg.Pool;
  readonly data: Record<DepthQueue, QueueData>;
  close(): Promise<void>;
}

/** `role`: "deep" holds the scenario's backlog; "reference" stays empty, for the paired empty-queue figures. */
export async function createDepthDatabase(
  layout: DepthLayout,
  role: "deep" | "reference",
  params: DepthParams,
  pgmq: PgmqVersion | null,
): Promise<DepthDatabase> {
  const database = await createBenchDatabase(`depth_${role}`, layout);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on("error", () => {});
  try {
    if (layout === "pgmq") {
      if (!pgmq) throw new Error("no PGMQ SQL to install");
      await installPgmqSql(pool, pgmq);
      for (const queue of queues) await pool.query("SELECT pgmq.create($1::text)", [queue]);
    } else {
      await ensureQueues(pool, queues);
    }
  } catch (error) {
    await pool.end();
    await database.drop();
    throw error;
  }
  const data = Object.fromEntries(
    queues.map((queue) => [queue, new QueueData(pool, queue, params.frontRows, params.drain.jobs)]),
  ) as Record<DepthQueue, QueueData>;
  return {
    layout,
    database,
    pool,
    data,
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

/**
 * `pgmq-sql`, the anchor: PGMQ's own functions, installed SQL-only from
 * PGMQ 1.5.1's script (test/interop/installPgmqSql.ts). Producer
 * `pgmq.send`; consumer: `concurrency` loops (16 in the bench), each
 * `pgmq.read(q, 30, readQuantity)`, the no-op handler on every row, then one
 * `pgmq.delete(q, ids)` (`pgmq.archive` on the archive queue). A loop whose
 * read comes back empty sleeps `emptyReadSleepMs` (PGMQ's own
 * `read_with_poll` polls every 100 ms by default).
 */
import pg from "pg";
import type { PgmqVersion } from "../../test/interop/installPgmqSql.js";
import type { BenchJob, SystemSession, WorkerSpec } from "../system.js";
import type { DepthQueue, DepthSystem } from "./depthSystem.js";

const poolSize = 10;
/** Messages per `pgmq.read` of one loop: 16 loops × 32 ≈ the 500 pgmq-gen buffers per read. */
export const readQuantity = 32;
const visibilityTimeoutSeconds = 30;
const emptyReadSleepMs = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function pgmqSqlSystem(version: PgmqVersion): DepthSystem {
  return {
    id: "pgmq-sql",
    version: `PGMQ ${version.version} SQL (pgmq.send / pgmq.read / pgmq.delete)`,
    settings: {
      "pool.max": poolSize,
      loops: "= concurrency (16)",
      "read qty": readQuantity,
      vt: visibilityTimeoutSeconds,
      "sleep after an empty read (ms)": emptyReadSleepMs,
      ack: "pgmq.delete(q, ids[]) per read; pgmq.archive(q, ids[]) on bench_archive",
    },
    layout: "pgmq",
    async open(databaseUrl: string, queue: DepthQueue): Promise<SystemSession> {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
      pool.on("error", () => {});
      const ack = queue === "bench_archive" ? "pgmq.archive" : "pgmq.delete";
      return {
        async push(job: BenchJob) {
          await pool.query("SELECT pgmq.send($1::text, $2::jsonb)", [queue, JSON.stringify(job)]);
        },
        async pushBatch(jobs: readonly BenchJob[]) {
          await pool.query("SELECT pgmq.send_batch($1::text, $2::jsonb[])", [
            queue,
            jobs.map((job) => JSON.stringify(job)),
          ]);
        },
        async startWorker(spec: WorkerSpec) {
          let stopping = false;
          async function loop(): Promise<void> {
            while (!stopping) {
              const { rows } = await pool.query<{ msg_id: string; message: BenchJob }>(
                "SELECT msg_id, message FROM pgmq.read($1::text, $2::int, $3::int)",
                [queue, visibilityTimeoutSeconds, readQuantity],
              );
              if (rows.length === 0) {
                await sleep(emptyReadSleepMs);
                continue;
              }
              for (const row of rows) spec.handle(row.message);
              await pool.query(`SELECT ${ack}($1::text, $2::bigint[])`, [queue, rows.map((row) => row.msg_id)]);
            }
          }
          const loops = Promise.all(Array.from({ length: spec.concurrency }, loop));
          // A failed loop fails the workload at stop(), not the process as an unhandled rejection.
          loops.catch(() => {});
          return {
            async stop() {
              stopping = true;
              await loops;
            },
          };
        },
        close: () => pool.end(),
      };
    },
  };
}

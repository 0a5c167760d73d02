import pg from "pg";
import { createQueueWorker } from "../src/runtime/worker.js";
import { PgmqClient } from "../src/runtime/pgmq.js";
import { testQueue } from "../test/worker/support/workerTestQueue.js";
const url = "postgres://postgres@127.0.0.1:5432/fixb_dbg";
const pool = new pg.Pool({ connectionString: url, max: 5 });
const t0 = Date.now(); const el = () => Date.now() - t0;
const origConnect = pool.connect.bind(pool);
(pool as any).connect = (...a: any[]) => { console.log(el(), "connect idle", pool.idleCount, "total", pool.totalCount, new Error().stack!.split("\n").slice(2,6).map(s=>s.trim().replace(/.*src\/runtime\//,"")).join(" < ")); return origConnect(...a); };
const origQuery = pool.query.bind(pool);
(pool as any).query = (text: any, ...rest: any[]) => {
  const name = typeof text === "object" ? (text.name ?? String(text.text).slice(0, 30)) : String(text).slice(0, 30);
  console.log(el(), "query", name, "idle", pool.idleCount, "total", pool.totalCount, "waiting", pool.waitingCount);
  const p = origQuery(text, ...rest);
  p.then?.(() => console.log(el(), "  done", name), () => {});
  return p;
};
const name = "dbg" + Math.floor(Math.random() * 1e6);
const def = testQueue(name, { visibilityTimeout: 2 });
const admin = new PgmqClient(new pg.Pool({ connectionString: url, max: 2 }));
await admin.ensureQueue(name);
await admin.sendBatch(name, [0, 1, 2].map((n) => def.codec.encode({ n, busyMs: 3000 })));
const w = createQueueWorker({ [name]: def }, { [name]: (job: any, ctx: any) => {
  console.log(el(), "start", String(ctx.msgId), ctx.attempt);
  const end = Date.now() + 3000; while (Date.now() < end) {}
  console.log(el(), "end", String(ctx.msgId), ctx.attempt);
} }, { pool, concurrency: 1, pollInterval: 100 });
w.on("job:complete", (e: any) => console.log(el(), "complete", String(e.msgId), e.attempt));
w.on("error", (e: any) => console.log(el(), "error", e?.name));
await w.start();
await new Promise((r) => setTimeout(r, 12000));
await w.stop();
const { rows } = await admin.pool.query(`select msg_id, read_ct, (extract(epoch from archived_at)*1000)::float8 - ${t0} as at from pgmq.a_${name} order by msg_id`);
console.log(rows);
await pool.end(); process.exit(0);

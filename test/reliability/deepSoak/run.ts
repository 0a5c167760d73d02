/**
 * Deep-queue soak (issue 11): a queue holding a deep backlog of delayed
 * messages, steady traffic on top (10% of jobs fail their first attempt and
 * come back after a backoff), archive retention every minute, and the
 * tables' sizes, dead tuples, autovacuum runs and the read's latency sampled
 * every minute, on a throwaway PostgreSQL 15 server with stock settings.
 *
 *   npm run soak:deep -- --minutes 30 --autovacuum recommended
 *   npm run soak:deep -- --minutes 15 --autovacuum default
 *   npm run soak:deep -- --minutes 2 --backlog 100000 --out /tmp/soak   # a quick check
 *
 * Writes <out>/soak-deep-<variant>.csv (one row a minute) and .json (options,
 * server, ledger, levelling); `test/reliability/deepSoak/charts.sh` draws
 * the charts from them. Exits 1 when a job was lost or a backlog message ran.
 */
import { createWriteStream } from "node:fs";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { configure, createProducer, createQueueWorker, ensureQueues, pgmqClientFor } from "@pgmq-gen/runtime";
import { reliabilityQueueDefinition } from "../harness/reliabilityQueue.js";
import { autovacuumStatements, queueTables, readTableSettings } from "./autovacuumSettings.js";
import { pushDeepBacklog } from "./deepBacklog.js";
import { DeliveryLedger } from "./deliveryLedger.js";
import { sawtoothLevelling, sizeLevelling } from "./levelling.js";
import { ReadTiming } from "./readTiming.js";
import { startRetentionLoop } from "./retentionLoop.js";
import { csvLine, sampleRow } from "./sampleRow.js";
import { parseSoakOptions } from "./soakOptions.js";
import { startSteadyProducer } from "./steadyProducer.js";
import { sampleDatabase } from "./tableSampler.js";
import { startThrowawayServer } from "../../helpers/throwawayServer.js";

const QUEUE = "deep_soak";
/** Seconds a failed first attempt waits before its retry. */
const RETRY_DELAY_SECONDS = 10;
/** How long the jobs pushed before the end may take to finish. Milliseconds. */
const DRAIN_TIMEOUT_MS = 180_000;

const log = (line: string) => console.info(`[soak:deep] ${new Date().toISOString().slice(11, 19)} ${line}`);
const options = parseSoakOptions(process.argv.slice(2));
await mkdir(options.outDir, { recursive: true });
// The server's own log, autovacuum's reports included.
const serverLog = createWriteStream(path.join(options.outDir, `soak-deep-${options.autovacuum}-server.log`));
// pg_stat_statements times the read on the server; autovacuum logs what each run did.
const server = await startThrowawayServer({
  settings: ["shared_preload_libraries=pg_stat_statements", "log_autovacuum_min_duration=0"],
  onLog: (line) => serverLog.write(`${line}\n`),
});
const stopOnSignal = () => void server.stop().finally(() => process.exit(130));
process.once("SIGINT", stopOnSignal).once("SIGTERM", stopOnSignal);
log(`PostgreSQL ${server.version} at ${server.url}; ${JSON.stringify(options)}`);

const pool = new pg.Pool({ connectionString: server.url, max: 10 });
const sampler = new pg.Client({ connectionString: server.url });
let exitCode = 1;
try {
  configure({ pool });
  await sampler.connect();
  await sampler.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  const definition = reliabilityQueueDefinition({
    queue: QUEUE,
    visibilityTimeout: 30,
    maxRetries: 5,
    retryDelay: RETRY_DELAY_SECONDS,
  });
  await ensureQueues(pool, [QUEUE]);
  for (const sql of autovacuumStatements(QUEUE, options.autovacuum)) {
    log(sql);
    await pool.query(sql);
  }
  const tableSettings = await readTableSettings(pool, QUEUE);
  log(`table settings: ${JSON.stringify(tableSettings)}`);
  const producer = createProducer(definition);
  const loadStarted = Date.now();
  await pushDeepBacklog(producer, options.backlog);
  // The backlog took a day to build up in real life, and autovacuum's insert trigger would have vacuumed it:
  // start every variant from that state, not from a million never-vacuumed rows.
  const tables = queueTables(QUEUE);
  await pool.query(`VACUUM (ANALYZE) ${tables.queue}`);
  await pool.query(`VACUUM (ANALYZE) ${tables.archive}`);
  log(
    `backlog of ${options.backlog} delayed messages pushed and vacuumed in ${((Date.now() - loadStarted) / 1000).toFixed(0)} s`,
  );

  const ledger = new DeliveryLedger(Math.ceil(options.rate * (options.minutes * 60 + 120)) + 1000);
  const timing = new ReadTiming();
  const uninstall = timing.install();
  const csvPath = path.join(options.outDir, `soak-deep-${options.autovacuum}.csv`);
  const rows: Array<Record<string, number | string>> = [];
  const record = async (
    minute: number,
    seconds: number,
    previous: { pushed: number; finished: number; failed: number },
  ) => {
    const activity = {
      minute,
      seconds,
      pushed: ledger.pushed - previous.pushed,
      finished: ledger.finishedJobs - previous.finished,
      failedFirstAttempts: ledger.failedFirstAttempts - previous.failed,
      retentionDeleted: retention?.takeDeleted() ?? 0,
      read: timing.take(),
    };
    const row = sampleRow(activity, await sampleDatabase(sampler, QUEUE));
    if (rows.length === 0) await writeFile(csvPath, `${csvLine(Object.keys(row))}\n`);
    await appendFile(csvPath, `${csvLine(Object.values(row))}\n`);
    rows.push(row);
    log(
      `min ${minute}: ${row.finished_per_s} jobs/s, visible ${row.visible}, q ${(Number(row.q_total_bytes) / 2 ** 20).toFixed(1)} MiB ` +
        `(vt idx ${(Number(row.q_vt_idx_bytes) / 2 ** 20).toFixed(1)}), dead ${row.q_dead}, av ${row.q_autovacuum_count}, ` +
        `a ${(Number(row.a_total_bytes) / 2 ** 20).toFixed(1)} MiB dead ${row.a_dead} av ${row.a_autovacuum_count}, ` +
        `read p50 ${row.read_p50_ms} p99 ${row.read_p99_ms} ms, server ${row.server_read_mean_ms} ms ${row.server_read_buffers_per_call} buf/read`,
    );
    return { pushed: ledger.pushed, finished: ledger.finishedJobs, failed: ledger.failedFirstAttempts };
  };
  let retention: ReturnType<typeof startRetentionLoop> | undefined;
  let counts = await record(0, 0, { pushed: 0, finished: 0, failed: 0 });

  const worker = createQueueWorker(
    { [QUEUE]: definition },
    {
      [QUEUE]: async (job: { id: number; sleepMs: number }, ctx: { attempt: number }) => {
        await new Promise((resolve) => setTimeout(resolve, job.sleepMs));
        if (job.id % 10 === 0 && ctx.attempt === 1) {
          ledger.failedFirstAttempt();
          throw new Error(`job ${job.id} fails its first attempt on purpose`);
        }
        ledger.finished(job.id);
      },
    },
    // A tenth of the jobs fail once on purpose: the soak counts them itself, a log line each would be noise.
    { pool, concurrency: options.concurrency, logger: false },
  );
  let workerErrors = 0;
  worker.on("error", (error) => {
    if (workerErrors++ < 5) log(`worker error: ${(error as Error).message}`);
  });
  await worker.start();
  const onError = (what: string) => (error: unknown) => log(`${what} error: ${(error as Error).message}`);
  const steady = startSteadyProducer(producer, ledger, {
    jobsPerSecond: options.rate,
    sleepMs: options.sleepMs,
    onError: onError("push"),
  });
  retention = startRetentionLoop(pgmqClientFor(pool), QUEUE, {
    keepSeconds: options.keepSeconds,
    everyMs: options.sampleSeconds * 1000,
    batchSize: 5000,
    onError: onError("retention"),
  });
  const began = performance.now();
  for (let minute = 1; minute <= options.minutes; minute++) {
    const due = began + minute * options.sampleSeconds * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    counts = await record(minute, options.sampleSeconds, counts);
  }

  await steady.stop();
  const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (ledger.finishedJobs < ledger.pushed && Date.now() < drainDeadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
  await worker.stop();
  await retention.stop();
  uninstall();
  const left = await pool.query<{ total: string; early: string }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE vt < now() + interval '1 hour') AS early FROM ${tables.queue}`,
  );
  const ledgerSummary = ledger.summary();
  const series = (column: string) => rows.slice(1).map((row) => Number(row[column]));
  const levelling = [
    sizeLevelling("q_total_bytes", series("q_total_bytes")),
    sizeLevelling("q_vt_idx_bytes", series("q_vt_idx_bytes")),
    sizeLevelling("q_pkey_bytes", series("q_pkey_bytes")),
    sizeLevelling("a_total_bytes", series("a_total_bytes")),
    sawtoothLevelling("q_dead", series("q_dead")),
    sawtoothLevelling("a_dead", series("a_dead")),
  ];
  const verdict = {
    lost: ledgerSummary.lost,
    finishedTwice: ledgerSummary.finishedTwice,
    backlogRuns: ledgerSummary.backlogRuns,
    queueLeft: Number(left.rows[0]!.total),
    queueLeftNotBacklog: Number(left.rows[0]!.early),
    pushErrors: steady.errors,
    workerErrors,
  };
  const summary = {
    command: `npm run soak:deep -- ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    server: `PostgreSQL ${server.version}, initdb defaults (autovacuum on, naptime 1 min, shared_buffers 128MB), pg_stat_statements loaded`,
    options,
    autovacuum: autovacuumStatements(QUEUE, options.autovacuum),
    tableSettings,
    ledger: ledgerSummary,
    verdict,
    levelling,
  };
  await writeFile(
    path.join(options.outDir, `soak-deep-${options.autovacuum}.json`),
    `${JSON.stringify(summary, null, 2)}\n`,
  );
  for (const level of levelling) {
    log(
      `${level.metric}: ${level.levelled ? "levelled" : "GROWING"} (last ${level.windowMinutes} min ${level.last}, previous ${level.previous})`,
    );
  }
  log(`ledger: ${JSON.stringify(ledgerSummary)}; ${JSON.stringify(verdict)}`);
  exitCode = verdict.lost === 0 && verdict.backlogRuns === 0 && verdict.queueLeftNotBacklog === 0 ? 0 : 1;
} finally {
  await sampler.end().catch(() => {});
  await pool.end().catch(() => {});
  await server.stop();
  serverLog.end();
}
process.exitCode = exitCode;

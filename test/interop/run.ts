/**
 * Interop checks against real PGMQ SQL (not part of `npm test`: CI has no PGMQ).
 *
 *   PGMQ_SQL_DIR=/tmp/pgmq-versions npm run interop
 *
 * `PGMQ_SQL_DIR` (default /tmp/pgmq-versions) holds one folder per PGMQ
 * version, each with PGMQ's `pgmq.sql` (its extension install script). For
 * every version found, a fresh database gets PGMQ's SQL-only install and the
 * runtime is checked against it both ways (see test/interop/README.md).
 * Prints a version × check table; exits non-zero when any check fails.
 *
 * Environment: DATABASE_URL (admin connection, default
 * postgres://postgres@127.0.0.1:5432/postgres), PGMQ_SQL_DIR,
 * INTEROP_KEEP_DATABASES=1 to keep the databases for inspection.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  closePool,
  configure,
  createProducer,
  createQueueCodec,
  createQueueWorker,
  ensureQueues,
  PgmqClient,
  type CompiledValidator,
  type JobContext,
  type MessageHeaders,
  type QueueDefinition,
  type QueueOptions,
} from "../../src/runtime/index.js";
import { compareVersions, findPgmqVersions, installPgmqSql, pgmqSqlDir, type PgmqVersion } from "./installPgmqSql.js";

const adminUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const sqlDir = pgmqSqlDir;
const keepDatabases = process.env.INTEROP_KEEP_DATABASES === "1";
const CHECK_TIMEOUT_MS = 20_000;

type Outcome = { status: "pass" | "fail" | "n/a"; detail: string };

class CheckFailure extends Error {}
class NotApplicable extends Error {}

function fail(message: string): never {
  throw new CheckFailure(message);
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/** JSON with object keys sorted: jsonb does not keep key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)));
    }
    return inner;
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition()) return Date.now() - started;
    await sleep(25);
  }
  fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new CheckFailure(`${what}: no result after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------
// Versions and databases

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Database {
  readonly name: string;
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

async function createDatabase(label: string): Promise<Database> {
  const name = `interop_${label.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on("error", () => {});
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      if (!keepDatabases) await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    },
  };
}


// ---------------------------------------------------------------------------
// Queue definitions for the runtime's public API

interface InteropJob {
  [key: string]: unknown;
}

const acceptObjects: CompiledValidator = Object.assign(
  (data: unknown) => {
    const ok = data !== null && typeof data === "object" && !Array.isArray(data);
    acceptObjects.errors = ok ? null : [{ instancePath: "", keyword: "type", message: "must be object", params: {} }];
    return ok;
  },
  { errors: null },
);

const interopOptions: QueueOptions = {
  visibilityTimeout: 30,
  maxRetries: 2,
  backoff: { kind: "fixed", delay: 1 },
  onSuccess: "archive",
  deadLetter: null,
  transactional: false,
  jobTimeout: null,
};

function definition(queue: string): QueueDefinition<string, InteropJob> {
  return { name: queue, options: interopOptions, codec: createQueueCodec<InteropJob>({ queue, validator: acceptObjects }) };
}

interface PgmqReadRow {
  msg_id: string;
  read_ct: number;
  enqueued_at: Date;
  vt: Date;
  message: unknown;
  headers: unknown;
  last_read_at?: Date | null;
}

async function hasFunction(pool: pg.Pool, signature: string): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>("SELECT to_regprocedure($1) IS NOT NULL AS ok", [signature]);
  return rows[0]!.ok;
}

async function count(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, values);
  return Number(rows[0]!.n);
}

// ---------------------------------------------------------------------------
// Layout description (for check c)

interface Layout {
  columns: string[];
  /** Column names in ordinal order (PGMQ's `RETURNING *` depends on it). */
  order: string;
  constraints: string[];
  indexes: string[];
  persistence: string;
}

async function describeTable(pool: pg.Pool, table: string, queue: string): Promise<Layout> {
  const columns = await pool.query<Record<string, string | null>>(
    `SELECT column_name, ordinal_position, data_type, is_nullable, column_default, is_identity, identity_generation
       FROM information_schema.columns WHERE table_schema = 'pgmq' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const constraints = await pool.query<{ d: string }>(
    `SELECT conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint
      WHERE conrelid = to_regclass('pgmq.' || quote_ident($1)) AND contype <> 't' ORDER BY conname`,
    [table],
  );
  const indexes = await pool.query<{ d: string }>(
    `SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'pgmq' AND tablename = $1 ORDER BY indexname`,
    [table],
  );
  const persistence = await pool.query<{ p: string }>(
    `SELECT relpersistence AS p FROM pg_class WHERE oid = to_regclass('pgmq.' || quote_ident($1))`,
    [table],
  );
  // Queue names differ between the two databases: compare with the name abstracted.
  const norm = (text: string) => text.split(queue).join("<q>");
  return {
    columns: columns.rows.map((c) =>
      norm(
        `${c.column_name} ${c.data_type} nullable=${c.is_nullable} default=${c.column_default ?? "-"} identity=${c.is_identity}${c.identity_generation ? `/${c.identity_generation}` : ""}`,
      ),
    ),
    order: columns.rows.map((c) => String(c.column_name)).join(","),
    constraints: constraints.rows.map((r) => norm(r.d)),
    indexes: indexes.rows.map((r) => norm(r.d)),
    persistence: persistence.rows[0]?.p ?? "missing",
  };
}

function diffLists(what: string, theirs: string[], ours: string[]): string[] {
  const out: string[] = [];
  for (const item of theirs) if (!ours.includes(item)) out.push(`${what}: pgmq has [${item}], ours lacks it`);
  for (const item of ours) if (!theirs.includes(item)) out.push(`${what}: ours has [${item}], pgmq lacks it`);
  return out;
}

function diffLayouts(table: string, theirs: Layout, ours: Layout): string[] {
  return [
    ...diffLists(`${table} column`, theirs.columns, ours.columns),
    ...(theirs.order === ours.order ? [] : [`${table} column order: pgmq (${theirs.order}), ours (${ours.order})`]),
    ...diffLists(`${table} constraint`, theirs.constraints, ours.constraints),
    ...diffLists(`${table} index`, theirs.indexes, ours.indexes),
    ...(theirs.persistence === ours.persistence ? [] : [`${table} persistence: pgmq ${theirs.persistence}, ours ${ours.persistence}`]),
  ];
}

// ---------------------------------------------------------------------------
// Checks

interface Context {
  readonly version: PgmqVersion;
  readonly newest: PgmqVersion;
  readonly db: Database;
}

type Check = (ctx: Context) => Promise<string>;

/** (a) ensureQueues creates through pgmq.create: same tables as pgmq.create makes, a meta row, notify where PGMQ has it. */
const aEnsureQueuesUsesPgmqCreate: Check = async ({ db }) => {
  const pool = db.pool;
  await ensureQueues(pool, ["ours_a"]);
  await pool.query("SELECT pgmq.create($1::text)", ["ref_a"]);
  const diffs = [
    ...diffLayouts("q_", await describeTable(pool, "q_ref_a", "ref_a"), await describeTable(pool, "q_ours_a", "ours_a")),
    ...diffLayouts("a_", await describeTable(pool, "a_ref_a", "ref_a"), await describeTable(pool, "a_ours_a", "ours_a")),
  ];
  expect(diffs.length === 0, diffs.join("; "));
  const meta = await count(pool, "SELECT count(*) AS n FROM pgmq.meta WHERE queue_name = 'ours_a'");
  expect(meta === 1, `pgmq.meta rows for ours_a: expected 1, got ${meta}`);
  const listed = await count(pool, "SELECT count(*) AS n FROM pgmq.list_queues() WHERE queue_name = 'ours_a'");
  expect(listed === 1, "pgmq.list_queues() does not list ours_a");
  const notify = await hasFunction(pool, "pgmq.notify_queue_listeners()");
  const trigger = await count(
    pool,
    "SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = 'pgmq.q_ours_a'::regclass AND tgname = 'trigger_notify_queue_insert_listeners'",
  );
  if (notify) expect(trigger === 1, "PGMQ has enable_notify_insert but ensureQueues left q_ours_a without its trigger");
  await ensureQueues(pool, ["ours_a"]); // idempotent
  return notify ? "created by pgmq.create, notify enabled" : "created by pgmq.create (no notify in this version)";
};

/** (a) PgmqClient.send / producer.push → pgmq.read sees the same message, headers, read_ct. */
const aOursSentPgmqReads: Check = async ({ db }) => {
  const pool = db.pool;
  const client = new PgmqClient(pool);
  const queue = "ours_send";
  const headers: MessageHeaders = { trace: "t-1", nested: { n: 1, list: [1, "two", null] } };
  const one = { kind: "client", n: 1, text: "ünïcødé ✓", deep: { a: [1, 2, { b: null }] } };
  const id1 = await client.send(queue, one, { headers });
  const id2 = await client.send(queue, { kind: "plain" });
  configure({ pool });
  const producer = createProducer(definition(queue));
  const id3 = await producer.push({ kind: "producer" }, { headers: { via: "push" } });
  const batchIds = await producer.pushBatch([{ kind: "batch", i: 0 }, { kind: "batch", i: 1 }], { headers: { via: "batch" } });
  const expected = new Map<string, { message: unknown; headers: unknown }>([
    [String(id1), { message: one, headers }],
    [String(id2), { message: { kind: "plain" }, headers: null }],
    [String(id3), { message: { kind: "producer" }, headers: { via: "push" } }],
    [String(batchIds[0]), { message: { kind: "batch", i: 0 }, headers: { via: "batch" } }],
    [String(batchIds[1]), { message: { kind: "batch", i: 1 }, headers: { via: "batch" } }],
  ]);
  const { rows } = await pool.query<PgmqReadRow>("SELECT * FROM pgmq.read($1::text, $2::int, $3::int)", [queue, 30, 10]);
  expect(rows.length === 5, `pgmq.read returned ${rows.length} rows, expected 5`);
  for (const row of rows) {
    const want = expected.get(String(row.msg_id));
    expect(want !== undefined, `pgmq.read returned unexpected msg_id ${row.msg_id}`);
    expect(sameJson(row.message, want.message), `msg ${row.msg_id}: message ${canonical(row.message)} != ${canonical(want.message)}`);
    expect(sameJson(row.headers, want.headers), `msg ${row.msg_id}: headers ${canonical(row.headers)} != ${canonical(want.headers)}`);
    expect(row.read_ct === 1, `msg ${row.msg_id}: read_ct ${row.read_ct}, expected 1 on first pgmq.read`);
    expect(row.vt.getTime() > Date.now() + 20_000, `msg ${row.msg_id}: vt not ~30 s ahead after pgmq.read`);
  }
  const again = await pool.query("SELECT * FROM pgmq.read($1::text, 30, 10)", [queue]);
  expect(again.rows.length === 0, "messages visible again right after pgmq.read");
  return "PgmqClient.send ×2, push, pushBatch(2): content, headers, read_ct=1 as PGMQ reads them";
};

/** (a) delays we write are honoured by pgmq.read. */
const aOursDelayPgmqRead: Check = async ({ db }) => {
  const pool = db.pool;
  const client = new PgmqClient(pool);
  const queue = "ours_delay";
  await client.send(queue, { d: "seconds" }, { delay: 1 });
  await client.send(queue, { d: "date" }, { delay: new Date(Date.now() + 1000) });
  await client.sendBatch(queue, [{ d: "batch" }], { delay: 1 });
  const early = await pool.query("SELECT * FROM pgmq.read($1::text, 30, 10)", [queue]);
  expect(early.rows.length === 0, `pgmq.read saw ${early.rows.length} delayed messages before their delay`);
  await sleep(1300);
  const late = await pool.query<PgmqReadRow>("SELECT * FROM pgmq.read($1::text, 30, 10)", [queue]);
  expect(late.rows.length === 3, `after the delay pgmq.read returned ${late.rows.length}, expected 3`);
  return "delay seconds / Date / batch: invisible to pgmq.read, then visible";
};

/** (a) PGMQ's set_vt, archive, delete, pop, metrics on messages we sent; our archive is seen by PGMQ. */
const aPgmqOpsOnOurMessages: Check = async ({ db }) => {
  const pool = db.pool;
  const client = new PgmqClient(pool);
  const queue = "ours_ops";
  const ids = await client.sendBatch(queue, [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }], { headers: { h: "x" } });
  const notes: string[] = [];
  // read (ours) then set_vt (PGMQ): read_ct stays 1, message visible again
  const read = await client.read(queue, 30, 1);
  expect(read.length === 1 && read[0]!.msgId === ids[0], "our read did not return the first message");
  const setVt = await pool.query<PgmqReadRow>("SELECT * FROM pgmq.set_vt($1::text, $2::bigint, $3::int)", [queue, String(ids[0]), 0]);
  expect(setVt.rows.length === 1, `pgmq.set_vt returned ${setVt.rows.length} rows`);
  expect(setVt.rows[0]!.read_ct === 1, `pgmq.set_vt changed read_ct to ${setVt.rows[0]!.read_ct}`);
  // Our reads go in vt order: visible again from now, it comes after the three waiting since the send.
  const reread = await client.read(queue, 30, 4);
  const again = reread.at(-1);
  expect(
    reread.length === 4 && again?.msgId === ids[0] && again.readCt === 2,
    "after pgmq.set_vt(…,0) our read did not get the message, last (vt order), with read_ct 2",
  );
  notes.push("set_vt");
  // archive (PGMQ) of our message
  const archived = await pool.query<{ archive: boolean }>("SELECT pgmq.archive($1::text, $2::bigint) AS archive", [queue, String(ids[0])]);
  expect(archived.rows[0]!.archive === true, "pgmq.archive returned false for our message");
  const a = await pool.query<PgmqReadRow>(`SELECT * FROM pgmq.a_${queue} WHERE msg_id = $1`, [String(ids[0])]);
  expect(a.rows.length === 1 && a.rows[0]!.read_ct === 2 && sameJson(a.rows[0]!.headers, { h: "x" }), "pgmq.archive: archive row wrong");
  notes.push("archive");
  const arr = await pool.query("SELECT * FROM pgmq.archive($1::text, ARRAY[$2::bigint])", [queue, String(ids[1])]);
  expect(arr.rows.length === 1, "pgmq.archive(text, bigint[]) did not archive our message");
  // delete (PGMQ)
  const deleted = await pool.query<{ d: boolean }>("SELECT pgmq.delete($1::text, $2::bigint) AS d", [queue, String(ids[2])]);
  expect(deleted.rows[0]!.d === true, "pgmq.delete returned false for our message");
  notes.push("delete");
  // our archive → PGMQ's tables and metrics
  const ours = await client.archive(queue, [ids[3]!]);
  expect(ours.length === 1, "PgmqClient.archive did not archive");
  const inArchive = await count(pool, `SELECT count(*) AS n FROM pgmq.a_${queue}`);
  expect(inArchive === 3, `pgmq.a_${queue} has ${inArchive} rows, expected 3`);
  const metrics = await pool.query<{ queue_length: string; total_messages: string }>("SELECT * FROM pgmq.metrics($1::text)", [queue]);
  expect(Number(metrics.rows[0]!.queue_length) === 0, `pgmq.metrics queue_length ${metrics.rows[0]!.queue_length}, expected 0`);
  expect(Number(metrics.rows[0]!.total_messages) === 4, `pgmq.metrics total_messages ${metrics.rows[0]!.total_messages}, expected 4`);
  notes.push("metrics");
  // pop (PGMQ) on ours
  const popId = await client.send(queue, { pop: true });
  const popped = await pool.query<PgmqReadRow>("SELECT * FROM pgmq.pop($1::text)", [queue]);
  expect(popped.rows.length === 1 && String(popped.rows[0]!.msg_id) === String(popId), "pgmq.pop did not return our message");
  notes.push("pop");
  // our metrics on PGMQ-made queue
  const ourMetrics = await client.metrics(queue);
  expect(ourMetrics.queueLength === 0 && ourMetrics.totalMessages === 5n, `PgmqClient.metrics: ${JSON.stringify({ ...ourMetrics, totalMessages: String(ourMetrics.totalMessages) })}`);
  return notes.join(", ") + " ok on our messages";
};

/** (b) pgmq.send / send_batch (every overload this version has) → our worker runs and archives. */
const bPgmqSentWorkerProcesses: Check = async ({ db }) => {
  const pool = db.pool;
  const queue = "theirs_work";
  await pool.query("SELECT pgmq.create($1::text)", [queue]);
  const sent: { id: string; message: unknown; headers: unknown; form: string }[] = [];
  const send = async (form: string, sql: string, values: unknown[], message: unknown, headers: unknown) => {
    const { rows } = await pool.query<{ id: string }>(sql, values);
    for (const row of rows) sent.push({ id: String(row.id), message, headers, form });
  };
  const m = (form: string) => ({ form, payload: { n: form.length, s: "x" } });
  const h = (form: string) => ({ "x-form": form, n: 1 });
  await send("send(q,msg)", "SELECT pgmq.send($1::text, $2::jsonb) AS id", [queue, JSON.stringify(m("a"))], m("a"), null);
  const forms = ["send(q,msg)"];
  if (await hasFunction(pool, "pgmq.send(text,jsonb,jsonb)")) {
    await send("send(q,msg,headers)", "SELECT pgmq.send($1::text, $2::jsonb, $3::jsonb) AS id", [queue, JSON.stringify(m("b")), JSON.stringify(h("b"))], m("b"), h("b"));
    forms.push("send(q,msg,headers)");
  }
  if (await hasFunction(pool, "pgmq.send(text,jsonb,integer)")) {
    await send("send(q,msg,0::int)", "SELECT pgmq.send($1::text, $2::jsonb, $3::int) AS id", [queue, JSON.stringify(m("c")), 0], m("c"), null);
    forms.push("send(q,msg,int)");
  }
  if (await hasFunction(pool, "pgmq.send(text,jsonb,timestamp with time zone)")) {
    await send("send(q,msg,tstz)", "SELECT pgmq.send($1::text, $2::jsonb, $3::timestamptz) AS id", [queue, JSON.stringify(m("d")), new Date(Date.now() - 1000)], m("d"), null);
    forms.push("send(q,msg,tstz)");
  }
  if (await hasFunction(pool, "pgmq.send(text,jsonb,jsonb,integer)")) {
    await send("send(q,msg,headers,1::int)", "SELECT pgmq.send($1::text, $2::jsonb, $3::jsonb, $4::int) AS id", [queue, JSON.stringify(m("e")), JSON.stringify(h("e")), 1], m("e"), h("e"));
    forms.push("send(q,msg,headers,int delay 1s)");
  }
  if (await hasFunction(pool, "pgmq.send(text,jsonb,jsonb,timestamp with time zone)")) {
    await send("send(q,msg,headers,tstz)", "SELECT pgmq.send($1::text, $2::jsonb, $3::jsonb, $4::timestamptz) AS id", [queue, JSON.stringify(m("f")), JSON.stringify(h("f")), new Date()], m("f"), h("f"));
    forms.push("send(q,msg,headers,tstz)");
  }
  {
    const msgs = [m("g0"), m("g1")];
    const { rows } = await pool.query<{ id: string }>("SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[]) AS id", [queue, msgs.map((x) => JSON.stringify(x))]);
    rows.forEach((row, i) => sent.push({ id: String(row.id), message: msgs[i], headers: null, form: "send_batch(q,msgs)" }));
    forms.push("send_batch(q,msgs)");
  }
  if (await hasFunction(pool, "pgmq.send_batch(text,jsonb[],jsonb[])")) {
    const msgs = [m("h0"), m("h1")];
    const hs = [h("h0"), h("h1")];
    const { rows } = await pool.query<{ id: string }>("SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[], $3::jsonb[]) AS id", [queue, msgs.map((x) => JSON.stringify(x)), hs.map((x) => JSON.stringify(x))]);
    rows.forEach((row, i) => sent.push({ id: String(row.id), message: msgs[i], headers: hs[i], form: "send_batch(q,msgs,headers)" }));
    forms.push("send_batch(q,msgs,headers)");
  }
  if (await hasFunction(pool, "pgmq.send_batch(text,jsonb[],integer)")) {
    const msgs = [m("i0")];
    const { rows } = await pool.query<{ id: string }>("SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[], $3::int) AS id", [queue, msgs.map((x) => JSON.stringify(x)), 1]);
    rows.forEach((row, i) => sent.push({ id: String(row.id), message: msgs[i], headers: null, form: "send_batch(q,msgs,int delay 1s)" }));
    forms.push("send_batch(q,msgs,int)");
  }
  const seen = new Map<string, { job: unknown; ctx: JobContext }>();
  const worker = createQueueWorker([definition(queue)], { [queue]: (job: unknown, ctx: JobContext) => void seen.set(String(ctx.msgId), { job, ctx }) }, {
    pool,
    pollInterval: 200,
    logger: false,
    concurrency: 4,
    shutdownTimeout: 2000,
  });
  const errors: unknown[] = [];
  worker.on("error", (error) => errors.push(error));
  worker.on("job:kill", (event) => errors.push(new Error(`killed ${event.msgId}: ${event.reason}`)));
  worker.on("job:fail", (event) => errors.push(new Error(`failed ${event.msgId}: ${String(event.error)}`)));
  await worker.start();
  try {
    await waitFor(`worker to process ${sent.length} pgmq-sent messages`, async () => {
      if (seen.size < sent.length) return false;
      return (await count(pool, `SELECT count(*) AS n FROM pgmq.a_${queue}`)) === sent.length;
    }, 10_000);
  } finally {
    await worker.stop();
  }
  expect(errors.length === 0, `worker events: ${errors.map(String).join("; ")}`);
  for (const message of sent) {
    const got = seen.get(message.id);
    expect(got !== undefined, `${message.form}: msg ${message.id} never reached the handler`);
    expect(sameJson(got.job, message.message), `${message.form}: handler got ${canonical(got.job)}, sent ${canonical(message.message)}`);
    expect(sameJson(got.ctx.headers, message.headers), `${message.form}: ctx.headers ${canonical(got.ctx.headers)}, sent ${canonical(message.headers)}`);
    expect(got.ctx.attempt === 1, `${message.form}: attempt ${got.ctx.attempt}, expected 1`);
  }
  const metrics = await pool.query<{ queue_length: string; total_messages: string }>("SELECT * FROM pgmq.metrics($1::text)", [queue]);
  expect(Number(metrics.rows[0]!.queue_length) === 0, `pgmq.metrics queue_length ${metrics.rows[0]!.queue_length} after processing`);
  expect(Number(metrics.rows[0]!.total_messages) === sent.length, `pgmq.metrics total_messages ${metrics.rows[0]!.total_messages}, expected ${sent.length}`);
  const archive = await pool.query<PgmqReadRow & { archived_at: Date }>(`SELECT * FROM pgmq.a_${queue}`);
  for (const row of archive.rows) {
    const want = sent.find((s) => s.id === String(row.msg_id));
    expect(want !== undefined && sameJson(row.message, want.message) && sameJson(row.headers, want.headers), `archive row ${row.msg_id} differs from what PGMQ sent`);
    expect(row.read_ct === 1, `archive row ${row.msg_id}: read_ct ${row.read_ct}, expected 1`);
  }
  return `${sent.length} msgs via ${forms.length} forms (${forms.join(" ")}) processed and archived`;
};

/** (b) our PgmqClient reads / archives / deletes / setVisibility on PGMQ-sent messages. */
const bClientOnPgmqMessages: Check = async ({ db }) => {
  const pool = db.pool;
  const queue = "theirs_client";
  await pool.query("SELECT pgmq.create($1::text)", [queue]);
  const { rows } = await pool.query<{ id: string }>("SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[]) AS id", [queue, ['{"i":0}', '{"i":1}', '{"i":2}']]);
  const ids = rows.map((row) => BigInt(row.id));
  const client = new PgmqClient(pool);
  const read = await client.read(queue, 30, 3);
  expect(read.length === 3 && read.every((r) => r.readCt === 1), `PgmqClient.read: ${read.length} messages / read_ct ${read.map((r) => r.readCt)}`);
  const vis = await client.setVisibility(queue, [{ msgId: ids[0]!, delaySeconds: 0 }]);
  expect(vis.length === 1, "PgmqClient.setVisibility did not update");
  const pgRead = await pool.query<PgmqReadRow>("SELECT * FROM pgmq.read($1::text, 30, 5)", [queue]);
  expect(pgRead.rows.length === 1 && pgRead.rows[0]!.read_ct === 2, "pgmq.read after our setVisibility(0): expected the message with read_ct 2");
  expect((await client.archive(queue, [ids[0]!])).length === 1, "PgmqClient.archive failed");
  expect((await client.delete(queue, [ids[1]!])).length === 1, "PgmqClient.delete failed");
  const a = await count(pool, `SELECT count(*) AS n FROM pgmq.a_${queue}`);
  expect(a === 1, `a_${queue} rows ${a}, expected 1`);
  return "read/setVisibility/archive/delete on pgmq-sent messages";
};

/** (c) a queue made by our runtime without PGMQ has pgmq.create's (newest version) layout. */
const cLayoutWithoutPgmq: Check = async ({ db, version, newest }) => {
  if (version.version !== newest.version) throw new NotApplicable("compared against the newest version only");
  const ours = await createDatabase("layout_ours");
  try {
    await ensureQueues(ours.pool, ["lay"]);
    await db.pool.query("SELECT pgmq.create($1::text)", ["lay"]);
    const diffs = [
      ...diffLayouts("pgmq.meta", await describeTable(db.pool, "meta", "lay"), await describeTable(ours.pool, "meta", "lay")),
      ...diffLayouts("q_", await describeTable(db.pool, "q_lay", "lay"), await describeTable(ours.pool, "q_lay", "lay")),
      ...diffLayouts("a_", await describeTable(db.pool, "a_lay", "lay"), await describeTable(ours.pool, "a_lay", "lay")),
    ];
    const seq = await count(ours.pool, "SELECT count(*) AS n FROM pg_class WHERE oid = to_regclass('pgmq.q_lay_msg_id_seq')");
    if (seq !== 1) diffs.push("sequence pgmq.q_lay_msg_id_seq missing in ours");
    const meta = await count(ours.pool, "SELECT count(*) AS n FROM pgmq.meta WHERE queue_name = 'lay' AND NOT is_partitioned AND NOT is_unlogged");
    if (meta !== 1) diffs.push("pgmq.meta row for lay missing/different in ours");
    expect(diffs.length === 0, diffs.join("; "));
    return `meta, q_, a_ identical to pgmq.create of ${newest.version}`;
  } finally {
    await ours.drop();
  }
};

/** (c) PGMQ installed later on a database where our runtime made the queue: PGMQ's functions work on our layout. */
const cPgmqOnOurLayout: Check = async ({ version }) => {
  // Our own layout is PGMQ 1.10+'s (with last_read_at). Before 1.10, PGMQ's
  // set_vt and pop return `RETURNING *` into a fixed row type, so they cannot
  // work on a table with the newer column; installing PGMQ < 1.10 over queues
  // our runtime made is unsupported (README, Compatibility).
  if (compareVersions(version.version, "1.10.0") < 0) {
    throw new NotApplicable("PGMQ < 1.10 over our 1.10+ layout is unsupported (documented)");
  }
  const ours = await createDatabase(`late_${version.version}`);
  try {
    const client = new PgmqClient(ours.pool);
    await ensureQueues(ours.pool, ["late"]);
    const id = await client.send("late", { before: "pgmq" }, { headers: { h: 1 } });
    try {
      await installPgmqSql(ours.pool, version);
    } catch (error) {
      fail(`PGMQ ${version.version} SQL-only install on top of our layout failed: ${(error as Error).message}`);
    }
    const problems: string[] = [];
    const tryCall = async (what: string, sql: string, values: unknown[]) => {
      try {
        return (await ours.pool.query(sql, values)).rows;
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
        return [];
      }
    };
    const read = await tryCall("pgmq.read", "SELECT * FROM pgmq.read($1::text, 30, 5)", ["late"]);
    if (read.length !== 1 || !sameJson((read[0] as PgmqReadRow).message, { before: "pgmq" }) || (read[0] as PgmqReadRow).read_ct !== 1) {
      if (!problems.some((p) => p.startsWith("pgmq.read"))) problems.push(`pgmq.read returned ${canonical(read)}`);
    }
    await tryCall("pgmq.set_vt", "SELECT * FROM pgmq.set_vt($1::text, $2::bigint, $3::int)", ["late", String(id), 0]);
    await tryCall("pgmq.send", "SELECT pgmq.send($1::text, $2::jsonb) AS id", ["late", '{"after":"pgmq"}']);
    await tryCall("pgmq.pop", "SELECT * FROM pgmq.pop($1::text)", ["late"]);
    await tryCall("pgmq.archive", "SELECT pgmq.archive($1::text, ARRAY(SELECT msg_id FROM pgmq.q_late))", ["late"]);
    await tryCall("pgmq.metrics", "SELECT * FROM pgmq.metrics($1::text)", ["late"]);
    if (await hasFunction(ours.pool, "pgmq.enable_notify_insert(text)")) {
      await tryCall("pgmq.enable_notify_insert", "SELECT pgmq.enable_notify_insert($1::text)", ["late"]);
      await tryCall("pgmq.send after enable_notify_insert", "SELECT pgmq.send($1::text, $2::jsonb) AS id", ["late", '{"n":1}']);
    }
    await tryCall("pgmq.drop_queue", "SELECT pgmq.drop_queue($1::text)", ["late"]);
    expect(problems.length === 0, problems.join("; "));
    return "read/set_vt/send/pop/archive/metrics/notify/drop_queue work on a queue our runtime made before PGMQ";
  } finally {
    await ours.drop();
  }
};

/** (d) with pgmq.enable_notify_insert, our worker's LISTEN wakes on pgmq.send (poll interval set far out). */
const dNotifyWakesWorker: Check = async ({ db }) => {
  const pool = db.pool;
  if (!(await hasFunction(pool, "pgmq.notify_queue_listeners()"))) throw new NotApplicable("no enable_notify_insert in this version");
  const queue = "theirs_notify";
  await pool.query("SELECT pgmq.create($1::text)", [queue]);
  await pool.query("SELECT pgmq.enable_notify_insert($1::text)", [queue]);
  const seen: bigint[] = [];
  const worker = createQueueWorker([definition(queue)], { [queue]: (_job: unknown, ctx: JobContext) => void seen.push(ctx.msgId) }, {
    pool,
    pollInterval: 60_000,
    logger: false,
    listen: true,
    shutdownTimeout: 2000,
  });
  await worker.start();
  try {
    await sleep(500); // let the first (empty) poll pass and LISTEN settle
    const timings: number[] = [];
    for (let round = 0; round < 3; round++) {
      const before = seen.length;
      await pool.query("SELECT pgmq.send($1::text, $2::jsonb)", [queue, JSON.stringify({ round })]);
      timings.push(await waitFor(`LISTEN wake-up on pgmq.send (round ${round}; poll interval 60 s)`, () => seen.length > before, 5000));
      await sleep(400); // past PGMQ's default 250 ms throttle
    }
    return `woke on pgmq.send in ${timings.join("/")} ms`;
  } finally {
    await worker.stop();
  }
};

/**
 * (e) Issue 11: our reads go in vt order on PGMQ's vt index, PGMQ's `read` in
 * id order on its primary key. Both lock with SKIP LOCKED and hide what they
 * take, so on one queue, concurrently, they deliver each visible message once
 * between them and leave the delayed ones alone; PGMQ's archive, delete and
 * metrics then work on what our reads took.
 */
const eVtReadBesidePgmqRead: Check = async ({ db }) => {
  const pool = db.pool;
  const queue = "theirs_vt_order";
  await pool.query("SELECT pgmq.create($1::text)", [queue]);
  await pool.query("SELECT pgmq.send_batch($1::text, ARRAY(SELECT jsonb_build_object('delayed', n) FROM generate_series(1, 300) AS n), 3600)", [queue]);
  const sent = await pool.query<{ id: string }>(
    "SELECT pgmq.send_batch($1::text, ARRAY(SELECT jsonb_build_object('n', n) FROM generate_series(1, 1000) AS n))::text AS id",
    [queue],
  );
  const client = new PgmqClient(pool);
  const delivered = new Map<string, string>();
  const duplicates: string[] = [];
  const record = (ids: string[], by: string) => {
    for (const id of ids) {
      if (delivered.has(id)) duplicates.push(`${id} by ${delivered.get(id)} and ${by}`);
      delivered.set(id, by);
    }
  };
  const readers = [
    async () => (await client.read(queue, 60, 37)).map((m) => m.msgId.toString()),
    async () => (await client.readWithin(queue, 60, 41, { maxBytes: 1 << 20, inlineBytes: 1 << 20, inlineReadCt: 100 })).messages.map((m) => m.msgId.toString()),
    async () => (await pool.query<{ msg_id: string }>("SELECT msg_id::text FROM pgmq.read($1::text, 60, 43)", [queue])).rows.map((r) => r.msg_id),
  ];
  for (let round = 0; round < 40 && delivered.size < 1000; round++) {
    const results = await Promise.all(readers.flatMap((read, index) => [read(), read()].map((p) => p.then((ids) => [ids, `reader ${index}`] as const))));
    for (const [ids, by] of results) record(ids, by);
  }
  expect(duplicates.length === 0, `delivered twice: ${duplicates.slice(0, 5).join("; ")}`);
  const expected = new Set(sent.rows.map((row) => row.id));
  expect(delivered.size === 1000 && [...delivered.keys()].every((id) => expected.has(id)), `delivered ${delivered.size} of the 1000 visible (delayed ones must stay)`);
  const byReader = [0, 1, 2].map((index) => [...delivered.values()].filter((by) => by === `reader ${index}`).length);
  expect(byReader.every((n) => n > 0), `every reader took some: ${byReader.join("/")}`);
  const ids = [...delivered.keys()];
  await pool.query("SELECT pgmq.archive($1::text, $2::bigint[])", [queue, ids.slice(0, 500)]);
  await pool.query("SELECT pgmq.delete($1::text, $2::bigint[])", [queue, ids.slice(500)]);
  const metrics = await pool.query<{ queue_length: string }>("SELECT queue_length::text FROM pgmq.metrics($1::text)", [queue]);
  expect(metrics.rows[0]!.queue_length === "300", `pgmq.metrics queue_length ${metrics.rows[0]!.queue_length}, expected the 300 delayed`);
  expect((await count(pool, `SELECT count(*) AS n FROM pgmq.a_${queue}`)) === 500, "pgmq.archive moved the 500 our reads took");
  return `1000 visible delivered once among our read (${byReader[0]}), readWithin (${byReader[1]}) and pgmq.read (${byReader[2]}); 300 delayed untouched; pgmq.archive/delete/metrics fine`;
};

const checks: [string, Check][] = [
  ["a:ensureQueues", aEnsureQueuesUsesPgmqCreate],
  ["a:send→pgmq.read", aOursSentPgmqReads],
  ["a:delay", aOursDelayPgmqRead],
  ["a:pgmq ops on ours", aPgmqOpsOnOurMessages],
  ["b:pgmq.send→worker", bPgmqSentWorkerProcesses],
  ["b:client on theirs", bClientOnPgmqMessages],
  ["c:layout (no pgmq)", cLayoutWithoutPgmq],
  ["c:pgmq on our layout", cPgmqOnOurLayout],
  ["d:notify", dNotifyWakesWorker],
  ["e:vt read beside pgmq.read", eVtReadBesidePgmqRead],
];

async function runVersion(version: PgmqVersion, newest: PgmqVersion): Promise<Map<string, Outcome>> {
  const results = new Map<string, Outcome>();
  const db = await createDatabase(version.version);
  try {
    try {
      await installPgmqSql(db.pool, version);
      results.set("install", { status: "pass", detail: `SQL-only install into ${db.name}` });
    } catch (error) {
      results.set("install", { status: "fail", detail: (error as Error).message });
      return results;
    }
    for (const [name, check] of checks) {
      try {
        const detail = await withTimeout(check({ version, newest, db }), CHECK_TIMEOUT_MS, name);
        results.set(name, { status: "pass", detail });
      } catch (error) {
        if (error instanceof NotApplicable) results.set(name, { status: "n/a", detail: error.message });
        else results.set(name, { status: "fail", detail: error instanceof CheckFailure ? error.message : String((error as Error)?.stack ?? error) });
      }
    }
  } finally {
    await closePool();
    await db.drop();
  }
  return results;
}

function printTable(all: Map<string, Map<string, Outcome>>): void {
  const names = ["install", ...checks.map(([name]) => name)];
  const versions = [...all.keys()];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const colWidth = Math.max(8, ...versions.map((v) => v.length + 2));
  const line = (cells: string[]) => cells[0]!.padEnd(width) + cells.slice(1).map((c) => c.padEnd(colWidth)).join("");
  console.log(line(["check \\ PGMQ", ...versions]));
  console.log("-".repeat(width + colWidth * versions.length));
  for (const name of names) console.log(line([name, ...versions.map((v) => all.get(v)!.get(name)?.status ?? "-")]));
  console.log("");
  for (const version of versions) {
    for (const name of names) {
      const outcome = all.get(version)!.get(name);
      if (outcome === undefined) continue;
      console.log(`[${version}] ${name}: ${outcome.status.toUpperCase()} — ${outcome.detail}`);
    }
  }
}

async function main(): Promise<void> {
  const versions = findPgmqVersions(sqlDir);
  if (versions.length === 0) {
    console.error(`interop: no PGMQ versions under ${sqlDir} (expected <dir>/<version>/pgmq.sql); see test/interop/README.md`);
    process.exit(2);
  }
  const newest = versions[versions.length - 1]!;
  console.log(`interop: PGMQ ${versions.map((v) => v.version).join(", ")} from ${sqlDir}; server ${new URL(adminUrl).host}`);
  const all = new Map<string, Map<string, Outcome>>();
  for (const version of versions) all.set(version.version, await runVersion(version, newest));
  printTable(all);
  const failed = [...all.values()].flatMap((results) => [...results.values()]).filter((o) => o.status === "fail").length;
  const passed = [...all.values()].flatMap((results) => [...results.values()]).filter((o) => o.status === "pass").length;
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

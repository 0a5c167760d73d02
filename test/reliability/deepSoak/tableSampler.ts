/**
 * What the database says each minute about the queue's two tables: sizes of
 * the heaps and of every index, live and dead tuples, autovacuum and
 * autoanalyze runs, the visible backlog, and the read statement's server-side
 * figures from pg_stat_statements (reset after each sample, so each sample
 * covers one minute).
 */
import pg from "pg";

export interface TableFigures {
  heapBytes: number;
  totalBytes: number;
  /** Bytes per index, keyed by index name. */
  indexBytes: Record<string, number>;
  liveTuples: number;
  deadTuples: number;
  autovacuumCount: number;
  autoanalyzeCount: number;
  lastAutovacuum: string | null;
}

export interface ServerReadFigures {
  calls: number;
  meanMs: number;
  maxMs: number;
  /** Shared buffers hit or read per call: the part of the vt index and heap a read walks. */
  buffersPerCall: number;
}

export interface DatabaseSample {
  queue: TableFigures;
  archive: TableFigures;
  /** Messages with vt <= now(): ready and not taken. */
  visible: number;
  read: ServerReadFigures;
}

async function tableFigures(client: pg.Client, schema: string, table: string): Promise<TableFigures> {
  const { rows } = await client.query<{
    heap: string;
    total: string;
    live: string;
    dead: string;
    av: string;
    aa: string;
    last_av: Date | null;
  }>(
    `SELECT pg_relation_size(c.oid) AS heap, pg_total_relation_size(c.oid) AS total,
            s.n_live_tup AS live, s.n_dead_tup AS dead, s.autovacuum_count AS av, s.autoanalyze_count AS aa,
            s.last_autovacuum AS last_av
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_stat_user_tables s ON s.relid = c.oid
      WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  const indexes = await client.query<{ name: string; bytes: string }>(
    `SELECT i.relname AS name, pg_relation_size(i.oid) AS bytes
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = format('%I.%I', $1::text, $2::text)::regclass ORDER BY 1`,
    [schema, table],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`no table ${schema}.${table}`);
  return {
    heapBytes: Number(row.heap),
    totalBytes: Number(row.total),
    indexBytes: Object.fromEntries(indexes.rows.map((index) => [index.name, Number(index.bytes)])),
    liveTuples: Number(row.live),
    deadTuples: Number(row.dead),
    autovacuumCount: Number(row.av),
    autoanalyzeCount: Number(row.aa),
    lastAutovacuum: row.last_av?.toISOString() ?? null,
  };
}

/** The read is the statement that locks with SKIP LOCKED and updates vt on the queue table. */
async function serverReadFigures(client: pg.Client, queueTable: string): Promise<ServerReadFigures> {
  const { rows } = await client.query<{ calls: string; total: number; max: number; blocks: string }>(
    `SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(total_exec_time), 0)::float8 AS total,
            coalesce(max(max_exec_time), 0)::float8 AS max,
            coalesce(sum(shared_blks_hit + shared_blks_read), 0) AS blocks
       FROM pg_stat_statements
      WHERE query LIKE '%SKIP LOCKED%' AND query LIKE '%' || $1 || '%'`,
    [queueTable],
  );
  await client.query("SELECT pg_stat_statements_reset()");
  const row = rows[0]!;
  const calls = Number(row.calls);
  return {
    calls,
    meanMs: calls > 0 ? row.total / calls : 0,
    maxMs: row.max,
    buffersPerCall: calls > 0 ? Number(row.blocks) / calls : 0,
  };
}

export async function sampleDatabase(client: pg.Client, queue: string): Promise<DatabaseSample> {
  // Statistics are cached per transaction: take a fresh snapshot each minute.
  await client.query("SELECT pg_stat_clear_snapshot()");
  const visible = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM pgmq.${pg.escapeIdentifier(`q_${queue}`)} WHERE vt <= clock_timestamp()`,
  );
  return {
    queue: await tableFigures(client, "pgmq", `q_${queue}`),
    archive: await tableFigures(client, "pgmq", `a_${queue}`),
    visible: Number(visible.rows[0]!.n),
    read: await serverReadFigures(client, `q_${queue}`),
  };
}

/**
 * What the database says happened to a range of jobs after a scenario: read
 * from `job_runs` (every attempt), the queue table and the archive. Scenarios
 * assert on it; the soak prints it.
 */
import pg from "pg";

type Queryable = Pick<pg.Pool, "query">;

export interface JobRange {
  queue: string;
  /** Job ids firstJobId .. firstJobId + jobs - 1. */
  firstJobId: number;
  jobs: number;
}

export interface JobLedger {
  /** Jobs of the range with no finished run (lost). */
  missing: number;
  missingSample: number[];
  /** Messages left in `pgmq.q_<queue>`. */
  queueRemaining: number;
  /** Rows in `pgmq.a_<queue>`. */
  archived: number;
  /** Jobs of the range with no archive row. */
  notArchived: number;
  /** Jobs with more than one archive row. */
  archivedTwice: number;
  /** Jobs whose handler finished more than once. */
  recordedMoreThanOnce: number;
  /** Finished runs in all. */
  finishedRuns: number;
  /** Started runs in all, finished or not. */
  startedRuns: number;
}

const table = (prefix: "q" | "a", queue: string) => `pgmq.${pg.escapeIdentifier(`${prefix}_${queue}`)}`;

export async function readJobLedger(db: Queryable, range: JobRange): Promise<JobLedger> {
  const last = range.firstJobId + range.jobs - 1;
  const missing = await db.query<{ job_id: string }>(
    `SELECT ids.job_id FROM generate_series($1::bigint, $2::bigint) AS ids(job_id)
      WHERE NOT EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = ids.job_id AND r.finished_at IS NOT NULL)
      ORDER BY ids.job_id`,
    [range.firstJobId, last],
  );
  const queue = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table("q", range.queue)}`);
  const archive = await db.query<{ archived: string; not_archived: string; archived_twice: string }>(
    `WITH a AS (
       SELECT (message->>'id')::bigint AS job_id, count(*) AS n FROM ${table("a", range.queue)} GROUP BY 1
     )
     SELECT (SELECT coalesce(sum(n), 0) FROM a) AS archived,
            (SELECT count(*) FROM generate_series($1::bigint, $2::bigint) AS ids(job_id)
              WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.job_id = ids.job_id)) AS not_archived,
            (SELECT count(*) FROM a WHERE n > 1) AS archived_twice`,
    [range.firstJobId, last],
  );
  const runs = await db.query<{ twice: string; finished: string; started: string }>(
    `SELECT (SELECT count(*) FROM (SELECT job_id FROM job_runs WHERE finished_at IS NOT NULL
                                     AND job_id BETWEEN $1 AND $2
                                   GROUP BY job_id HAVING count(*) > 1) d) AS twice,
            (SELECT count(*) FROM job_runs WHERE finished_at IS NOT NULL AND job_id BETWEEN $1 AND $2) AS finished,
            (SELECT count(*) FROM job_runs WHERE job_id BETWEEN $1 AND $2) AS started`,
    [range.firstJobId, last],
  );
  const a = archive.rows[0]!;
  const r = runs.rows[0]!;
  return {
    missing: missing.rowCount ?? 0,
    missingSample: missing.rows.slice(0, 10).map((row) => Number(row.job_id)),
    queueRemaining: Number(queue.rows[0]!.n),
    archived: Number(a.archived),
    notArchived: Number(a.not_archived),
    archivedTwice: Number(a.archived_twice),
    recordedMoreThanOnce: Number(r.twice),
    finishedRuns: Number(r.finished),
    startedRuns: Number(r.started),
  };
}

export interface RunOverlap {
  jobId: number;
  first: { pid: number; attempt: number; startedAt: Date; finishedAt: Date };
  second: { pid: number; attempt: number; startedAt: Date; finishedAt: Date };
}

/**
 * Pairs of attempts of one job whose [start, end] intervals intersect: the job
 * ran in two places at once. An attempt that never finished ends when its
 * handler threw (`failed_at`) or, at the latest, when its process was killed.
 */
export async function findOverlappingRuns(db: Queryable, range: JobRange): Promise<RunOverlap[]> {
  const result = await db.query<{
    job_id: string;
    a_pid: number;
    a_attempt: number;
    a_start: Date;
    a_end: Date;
    b_pid: number;
    b_attempt: number;
    b_start: Date;
    b_end: Date;
  }>(
    `WITH runs AS (
       SELECT r.run_id, r.job_id, r.pid, r.attempt, r.started_at,
              coalesce(r.finished_at, r.failed_at, k.killed_at, 'infinity'::timestamptz) AS ended_at
         FROM job_runs r LEFT JOIN worker_kills k ON k.pid = r.pid
        WHERE r.job_id BETWEEN $1 AND $2
     )
     SELECT a.job_id, a.pid AS a_pid, a.attempt AS a_attempt, a.started_at AS a_start, a.ended_at AS a_end,
            b.pid AS b_pid, b.attempt AS b_attempt, b.started_at AS b_start, b.ended_at AS b_end
       FROM runs a JOIN runs b ON a.job_id = b.job_id AND a.run_id < b.run_id
      WHERE a.started_at < b.ended_at AND b.started_at < a.ended_at
      ORDER BY a.job_id LIMIT 100`,
    [range.firstJobId, range.firstJobId + range.jobs - 1],
  );
  return result.rows.map((row) => ({
    jobId: Number(row.job_id),
    first: { pid: row.a_pid, attempt: row.a_attempt, startedAt: row.a_start, finishedAt: row.a_end },
    second: { pid: row.b_pid, attempt: row.b_attempt, startedAt: row.b_start, finishedAt: row.b_end },
  }));
}

export interface LatencyFigures {
  /** Finished jobs per second, first push to last finish. */
  jobsPerSecond: number;
  /** Milliseconds from push (`enqueued_at`) to the first attempt's start. */
  p50PushToStartMs: number;
  p99PushToStartMs: number;
  maxPushToStartMs: number;
  /** Seconds from first push to last finish. */
  wallSeconds: number;
}

/** Throughput and push-to-start latency, all on the database clock. */
export async function readLatencyFigures(db: Queryable, range: JobRange): Promise<LatencyFigures> {
  const result = await db.query<{ wall: number; finished: string; p50: number; p99: number; max: number }>(
    `WITH firsts AS (
       SELECT a.msg_id, a.enqueued_at, min(r.started_at) AS started_at, max(r.finished_at) AS finished_at
         FROM ${table("a", range.queue)} a JOIN job_runs r ON r.msg_id = a.msg_id
        WHERE r.job_id BETWEEN $1 AND $2
        GROUP BY a.msg_id, a.enqueued_at
     ), latency AS (SELECT extract(epoch FROM started_at - enqueued_at) * 1000 AS ms FROM firsts)
     SELECT extract(epoch FROM (SELECT max(finished_at) - min(enqueued_at) FROM firsts))::float8 AS wall,
            (SELECT count(*) FROM firsts) AS finished,
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM latency)::float8 AS p50,
            (SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM latency)::float8 AS p99,
            (SELECT max(ms) FROM latency)::float8 AS max`,
    [range.firstJobId, range.firstJobId + range.jobs - 1],
  );
  const row = result.rows[0]!;
  return {
    jobsPerSecond: Number(row.finished) / row.wall,
    p50PushToStartMs: row.p50,
    p99PushToStartMs: row.p99,
    maxPushToStartMs: row.max,
    wallSeconds: row.wall,
  };
}

export interface DrainProgress {
  /** Messages in the queue table, visible or not. */
  remaining: number;
  /** Jobs of the range with at least one finished run. */
  finishedJobs: number;
}

export async function readProgress(db: Queryable, range: JobRange): Promise<DrainProgress> {
  const result = await db.query<{ remaining: string; finished: string }>(
    `SELECT (SELECT count(*) FROM ${table("q", range.queue)}) AS remaining,
            (SELECT count(DISTINCT job_id) FROM job_runs WHERE finished_at IS NOT NULL AND job_id BETWEEN $1 AND $2) AS finished`,
    [range.firstJobId, range.firstJobId + range.jobs - 1],
  );
  const row = result.rows[0]!;
  return { remaining: Number(row.remaining), finishedJobs: Number(row.finished) };
}

/**
 * Polls until the queue table is empty and every job of the range has a
 * finished run, or the deadline passes. Failed polls (the scenario may be
 * killing this database's backends) are retried.
 */
export async function waitForDrain(
  db: Queryable,
  range: JobRange,
  timeoutMs: number,
  onTick?: () => void,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    onTick?.();
    const progress = await readProgress(db, range).catch(() => null);
    if (progress !== null && progress.remaining === 0 && progress.finishedJobs === range.jobs) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/**
 * The record every reliability handler keeps: one row per attempt, written by
 * the worker process that ran it, with start and end stamped by the database
 * clock (`clock_timestamp()`), so attempts in different processes compare on
 * one clock.
 */
import type pg from "pg";

type Queryable = Pick<pg.Pool, "query">;

export async function createJobRunsTables(db: Queryable): Promise<void> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS job_runs (
      run_id      bigserial PRIMARY KEY,
      job_id      bigint NOT NULL,
      msg_id      bigint NOT NULL,
      attempt     int NOT NULL,
      pid         int NOT NULL,
      started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
      -- The handler's work completed (database clock).
      finished_at timestamptz,
      -- The handler threw because its own finish stamp could not be written (the
      -- database was unreachable); stamped with the process clock, written later.
      failed_at   timestamptz
    );
    CREATE INDEX IF NOT EXISTS job_runs_job_id ON job_runs (job_id);
    CREATE INDEX IF NOT EXISTS job_runs_msg_id ON job_runs (msg_id);
    CREATE TABLE IF NOT EXISTS worker_kills (
      pid       int PRIMARY KEY,
      signal    text NOT NULL,
      killed_at timestamptz NOT NULL DEFAULT clock_timestamp()
    );
  `);
}

/** Stamps the start of an attempt; returns the run's id for `finishRun`. */
export async function startRun(
  db: Queryable,
  run: { jobId: number; msgId: bigint; attempt: number; pid: number },
): Promise<string> {
  const result = await db.query<{ run_id: string }>(
    "INSERT INTO job_runs (job_id, msg_id, attempt, pid) VALUES ($1, $2, $3, $4) RETURNING run_id",
    [run.jobId, run.msgId.toString(), run.attempt, run.pid],
  );
  return result.rows[0]!.run_id;
}

export async function finishRun(db: Queryable, runId: string): Promise<void> {
  await db.query("UPDATE job_runs SET finished_at = clock_timestamp() WHERE run_id = $1", [runId]);
}

/** Stamps, late, the end of attempts whose handler threw when `finishRun` failed. */
export async function recordFailedRuns(db: Queryable, runs: ReadonlyArray<{ runId: string; at: Date }>): Promise<void> {
  await db.query(
    `UPDATE job_runs r SET failed_at = f.at
       FROM unnest($1::bigint[], $2::timestamptz[]) AS f(run_id, at)
      WHERE r.run_id = f.run_id`,
    [runs.map((run) => run.runId), runs.map((run) => run.at.toISOString())],
  );
}

/** Notes, on the database clock, that `pid` is about to receive `signal`. */
export async function recordKill(db: Queryable, pid: number, signal: string): Promise<void> {
  await db.query("INSERT INTO worker_kills (pid, signal) VALUES ($1, $2) ON CONFLICT (pid) DO NOTHING", [pid, signal]);
}

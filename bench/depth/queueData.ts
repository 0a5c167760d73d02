/**
 * The scenario's backlog in one queue, built with set-based SQL (INSERT ...
 * SELECT generate_series) and put back after every measurement.
 *
 * Row layout, by msg_id (explicit ids, then the identity sequence set past them):
 * - delayed: 1..n, not visible for a day (vt spread over the following
 *   ~3 h), below every job a measurement adds, like reminders sent earlier;
 * - visible: 1..n, visible since a fixed moment a day ago, vt rising with
 *   msg_id, so both PGMQ's msg_id order and the vt order start at id 1. Ids
 *   1..drainJobs are the drain's jobs (seq = msg_id - 1); a drain takes them
 *   from the front of the backlog;
 * - archive: 1..n archived rows (`a_<queue>`, archived over 30 days), queue empty.
 *
 * Reset (after every measurement): delete what the measurement added
 * (msg_id past the backlog; archived rows past it), rewrite the front
 * `frontRows` of a visible backlog, then VACUUM (ANALYZE) so the next
 * measurement meets no dead rows. Why not a TEMPLATE copy per measurement:
 * copying a 10M-row database (2+ GB) costs more than this reset, which
 * touches only the rows a measurement can reach.
 */
import pg from "pg";
import type { DepthQueue } from "./depthSystem.js";

export type BacklogKind = "delayed" | "visible" | "archive";

/** Seq numbers of rows that must never reach a handler in a drain: past them, a job is a backlog row. */
export const visibleBacklogSeqBase = 100_000_000;
export const delayedSeqBase = 200_000_000;

/** Rows per INSERT while building (progress is logged per chunk). */
const chunkRows = 1_000_000;

const payload = (seq: string): string =>
  `jsonb_build_object('seq', ${seq}, 'to', 'user' || (${seq}) || '@example.com', 'subject', 'Welcome aboard')`;

export class QueueData {
  private kind: BacklogKind = "delayed";
  /** Rows of the backlog now in place (ids 1..rows). */
  private rows = 0;
  /** The visible backlog's fixed start (ISO text), so a rewritten front sorts as before. */
  private visibleSince: string | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly queue: DepthQueue,
    /** Ids 1..frontRows of a visible backlog are rewritten at every reset: more than a drain can take. */
    private readonly frontRows: number,
    private readonly drainJobs: number,
  ) {}

  private get table(): string {
    return `pgmq.${pg.escapeIdentifier(`q_${this.queue}`)}`;
  }

  private get archiveTable(): string {
    return `pgmq.${pg.escapeIdentifier(`a_${this.queue}`)}`;
  }

  get backlogRows(): number {
    return this.rows;
  }

  /** Makes the queue hold `rows` rows of `kind`: grows the backlog in place when it can, else rebuilds it. */
  async prepare(kind: BacklogKind, rows: number, log: (line: string) => void): Promise<void> {
    if (kind !== this.kind || rows < this.rows) {
      await this.pool.query(`TRUNCATE ${this.table}, ${this.archiveTable}`);
      this.kind = kind;
      this.rows = 0;
      this.visibleSince = null;
    }
    if (kind === "visible" && this.visibleSince === null) {
      const { rows: now } = await this.pool.query<{ since: string }>(
        "SELECT (now() - interval '1 day')::text AS since",
      );
      this.visibleSince = now[0]!.since;
    }
    const started = performance.now();
    for (let from = this.rows + 1; from <= rows; from += chunkRows) {
      const to = Math.min(rows, from + chunkRows - 1);
      await this.insertBacklog(from, to);
      this.rows = to;
      log(
        `  ${this.queue}: ${kind} rows ${to.toLocaleString("en-US")}/${rows.toLocaleString("en-US")} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    }
    await this.pool.query(`SELECT setval(pg_get_serial_sequence($1, 'msg_id'), $2::bigint, true)`, [
      `pgmq.q_${this.queue}`,
      Math.max(this.rows, 1),
    ]);
    await this.reset();
  }

  private async insertBacklog(from: number, to: number): Promise<void> {
    const ids = `generate_series(${from}::bigint, ${to}::bigint) AS s`;
    if (this.kind === "delayed") {
      await this.pool.query(
        `INSERT INTO ${this.table} (msg_id, vt, message) OVERRIDING SYSTEM VALUE
         SELECT s, now() + interval '1 day' + s * interval '1 millisecond', ${payload(`${delayedSeqBase} + s`)} FROM ${ids}`,
      );
    } else if (this.kind === "visible") {
      await this.insertVisible(from, to);
    } else {
      await this.pool.query(
        `INSERT INTO ${this.archiveTable} (msg_id, read_ct, enqueued_at, archived_at, vt, message)
         SELECT s, 1, now() - interval '31 days' + s * interval '250 milliseconds',
                now() - interval '30 days' + s * interval '250 milliseconds',
                now() - interval '30 days' + s * interval '250 milliseconds', ${payload("s")}
           FROM ${ids}`,
      );
    }
  }

  private async insertVisible(from: number, to: number): Promise<void> {
    const seq = `CASE WHEN s <= ${this.drainJobs} THEN s - 1 ELSE ${visibleBacklogSeqBase} + s END`;
    await this.pool.query(
      `INSERT INTO ${this.table} (msg_id, enqueued_at, vt, message) OVERRIDING SYSTEM VALUE
       SELECT s, $1::timestamptz + s * interval '1 microsecond', $1::timestamptz + s * interval '1 microsecond', ${payload(seq)}
         FROM ${`generate_series(${from}::bigint, ${to}::bigint) AS s`}`,
      [this.visibleSince],
    );
  }

  /**
   * The drain's jobs, seq 0..drainJobs-1, visible now. A visible backlog
   * already holds them at its front.
   */
  async preloadDrainJobs(): Promise<void> {
    if (this.kind !== "visible") {
      await this.pool.query(
        `INSERT INTO ${this.table} (vt, message)
         SELECT now() - interval '1 second' + s * interval '1 microsecond', ${payload("s")} FROM generate_series(0, ${this.drainJobs - 1}) AS s`,
      );
    }
    await this.pool.query(`ANALYZE ${this.table}`);
  }

  /** Puts the backlog back as `prepare` left it (see the file comment). */
  async reset(): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.table} WHERE msg_id > $1`, [this.rows]);
    if (this.kind === "visible") {
      const front = Math.min(this.frontRows, this.rows);
      await this.pool.query(`DELETE FROM ${this.table} WHERE msg_id <= $1`, [front]);
      await this.insertVisible(1, front);
    }
    // Rows a drain with onSuccess "archive" moved there (all of them unless the scenario is the archive).
    const archivedRows = this.kind === "archive" ? this.rows : 0;
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.archiveTable} WHERE msg_id > $1`, [archivedRows]);
    await this.pool.query(`VACUUM (ANALYZE) ${this.table}`);
    if ((rowCount ?? 0) > 0) await this.pool.query(`VACUUM (ANALYZE) ${this.archiveTable}`);
  }

  /** A visible backlog row a drain took, by seq: it must lie in the front that `reset` rewrites. */
  assertRestorable(seq: number): void {
    if (seq >= delayedSeqBase) throw new Error(`a delayed message (seq ${seq}) reached a handler`);
    if (seq >= visibleBacklogSeqBase && seq - visibleBacklogSeqBase > this.frontRows) {
      throw new Error(
        `the drain took backlog row ${seq - visibleBacklogSeqBase}, past the ${this.frontRows} rows a reset rewrites`,
      );
    }
  }
}

/**
 * PGMQ's table layout (schema `pgmq`, `q_<name>` / `a_<name>`, as DESIGN.md
 * records for PGMQ 1.5+), created by plain DDL so the baseline needs no
 * extension. The insert trigger mimics `pgmq.enable_notify_insert`, once per
 * statement, so the baseline's idle worker wakes on NOTIFY like the others'.
 */
import pg from "pg";

export const benchQueue = "bench";
export const queueTable = `pgmq.q_${benchQueue}`;
export const archiveTable = `pgmq.a_${benchQueue}`;
export const insertChannel = `pgmq.q_${benchQueue}.INSERT`;

/** Idempotent: the mixed workload's worker process opens the same database again. */
export async function createPgmqLayout(client: pg.ClientBase): Promise<void> {
  await client.query(`
    CREATE SCHEMA IF NOT EXISTS pgmq;
    CREATE TABLE IF NOT EXISTS ${queueTable} (
      msg_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      read_ct int NOT NULL DEFAULT 0,
      enqueued_at timestamptz NOT NULL DEFAULT now(),
      last_read_at timestamptz,
      vt timestamptz NOT NULL,
      message jsonb,
      headers jsonb
    );
    CREATE INDEX IF NOT EXISTS q_bench_vt_idx ON ${queueTable} (vt);
    CREATE TABLE IF NOT EXISTS ${archiveTable} (
      msg_id bigint PRIMARY KEY,
      read_ct int NOT NULL DEFAULT 0,
      enqueued_at timestamptz NOT NULL DEFAULT now(),
      last_read_at timestamptz,
      archived_at timestamptz NOT NULL DEFAULT now(),
      vt timestamptz NOT NULL,
      message jsonb,
      headers jsonb
    );
    CREATE INDEX IF NOT EXISTS a_bench_archived_at_idx ON ${archiveTable} (archived_at);
    CREATE OR REPLACE FUNCTION pgmq.notify_bench_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify(${pg.escapeLiteral(insertChannel)}, NULL);
      RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS notify_insert ON ${queueTable};
    CREATE TRIGGER notify_insert AFTER INSERT ON ${queueTable}
      FOR EACH STATEMENT EXECUTE FUNCTION pgmq.notify_bench_insert();
  `);
}

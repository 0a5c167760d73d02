/**
 * PGMQ's table layout, for databases without the pgmq extension. Names of
 * tables, indexes and the trigger match what `pgmq.create` and
 * `pgmq.enable_notify_insert` make, so a database set up here looks like one
 * set up by PGMQ to every tool that reads it.
 *
 * These run inside `ensureQueues`' transaction, after its advisory lock.
 */
import pg from "pg";
import { archiveTable, queueTable, validateQueueName } from "./queueNames.js";

/** Name PGMQ (1.7+) gives its insert-notify trigger; ours uses it too, so `enable_notify_insert` replaces rather than doubles it. */
export const NOTIFY_TRIGGER_NAME = "trigger_notify_queue_insert_listeners";

/** Schema, `pgmq.meta` and the trigger function, shared by every queue. */
export const createSharedLayoutSql = `
  CREATE SCHEMA IF NOT EXISTS pgmq;
  CREATE TABLE IF NOT EXISTS pgmq.meta (
    queue_name varchar UNIQUE NOT NULL,
    is_partitioned boolean NOT NULL,
    is_unlogged boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  -- Same channel as PGMQ's notify_queue_listeners ('pgmq.q_<queue>.INSERT'),
  -- so one listener serves both; once per statement, so a batch notifies once.
  CREATE OR REPLACE FUNCTION pgmq.pgmq_gen_notify_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('pgmq.' || TG_TABLE_NAME || '.' || TG_OP, NULL);
    RETURN NULL;
  END;
  $$;
`;

/** One queue's tables and indexes, as `pgmq.create_non_partitioned` makes them (PGMQ 1.10+'s layout, with `last_read_at`). */
export function createQueueTablesSql(queue: string): string {
  validateQueueName(queue);
  return `
    CREATE TABLE IF NOT EXISTS ${queueTable(queue)} (
      msg_id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
      read_ct int NOT NULL DEFAULT 0,
      enqueued_at timestamptz NOT NULL DEFAULT now(),
      last_read_at timestamptz,
      vt timestamptz NOT NULL,
      message jsonb,
      headers jsonb
    );
    CREATE TABLE IF NOT EXISTS ${archiveTable(queue)} (
      msg_id bigint PRIMARY KEY,
      read_ct int NOT NULL DEFAULT 0,
      enqueued_at timestamptz NOT NULL DEFAULT now(),
      last_read_at timestamptz,
      archived_at timestamptz NOT NULL DEFAULT now(),
      vt timestamptz NOT NULL,
      message jsonb,
      headers jsonb
    );
    CREATE INDEX IF NOT EXISTS ${pg.escapeIdentifier(`q_${queue}_vt_idx`)} ON ${queueTable(queue)} (vt ASC);
    CREATE INDEX IF NOT EXISTS ${pg.escapeIdentifier(`archived_at_idx_${queue}`)} ON ${archiveTable(queue)} (archived_at);
  `;
}

/** The statement-level insert-notify trigger (PostgreSQL 13 has no CREATE TRIGGER IF NOT EXISTS: check `hasNotifyTrigger` first). */
export function createNotifyTriggerSql(queue: string): string {
  return `CREATE TRIGGER ${NOTIFY_TRIGGER_NAME} AFTER INSERT ON ${queueTable(queue)}
    FOR EACH STATEMENT EXECUTE FUNCTION pgmq.pgmq_gen_notify_insert()`;
}

/** Parameters: $1 queue name. */
export const insertMetaSql = `INSERT INTO pgmq.meta (queue_name, is_partitioned, is_unlogged)
  VALUES ($1::text, false, false) ON CONFLICT (queue_name) DO NOTHING`;

/**
 * Key of the transaction-scoped advisory lock that serialises queue setup
 * across processes starting at once: without it, two concurrent
 * `CREATE ... IF NOT EXISTS` can both pass the check and one then fails on
 * the catalog's unique index.
 */
export const setupLockSql = `SELECT pg_advisory_xact_lock(hashtext('pgmq-gen.ensure_queues'))`;

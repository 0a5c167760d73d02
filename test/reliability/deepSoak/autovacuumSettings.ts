/**
 * The per-table autovacuum settings the soak compares: those the runtime
 * gives the queues it creates (`packages/runtime/src/sql/queueVacuumSettings.ts`,
 * chosen from this soak's measurement), and the server's defaults, which the
 * soak restores with `ALTER TABLE ... RESET` after `ensureQueues`.
 */
import pg from "pg";
import { ARCHIVE_TABLE_SETTINGS, QUEUE_TABLE_SETTINGS } from "../../../packages/runtime/src/sql/queueVacuumSettings.js";

export type AutovacuumVariant = "default" | "recommended";

export function queueTables(queue: string): { queue: string; archive: string } {
  return {
    queue: `pgmq.${pg.escapeIdentifier(`q_${queue}`)}`,
    archive: `pgmq.${pg.escapeIdentifier(`a_${queue}`)}`,
  };
}

/** The statements that give `queue` the variant's settings (none for the runtime's own). */
export function autovacuumStatements(queue: string, variant: AutovacuumVariant): string[] {
  if (variant === "recommended") return [];
  const tables = queueTables(queue);
  return [
    `ALTER TABLE ${tables.queue} RESET (${Object.keys(QUEUE_TABLE_SETTINGS).join(", ")})`,
    `ALTER TABLE ${tables.archive} RESET (${Object.keys(ARCHIVE_TABLE_SETTINGS).join(", ")})`,
  ];
}

/** The storage parameters the two tables hold now, as `ALTER TABLE ... SET` shows them. */
export async function readTableSettings(db: Pick<pg.Pool, "query">, queue: string): Promise<Record<string, string[]>> {
  const { rows } = await db.query<{ relname: string; reloptions: string[] | null }>(
    `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'pgmq' AND c.relname IN ($1, $2) ORDER BY 1`,
    [`q_${queue}`, `a_${queue}`],
  );
  return Object.fromEntries(rows.map((row) => [row.relname, row.reloptions ?? []]));
}

/**
 * The per-table autovacuum settings the soak compares: the server's defaults,
 * and those recommended for queue tables (docs/performance.md, "Soak: deep
 * queue at a steady rate", has the measurement behind them).
 *
 * Why per table: a queue table's dead tuples come from its traffic (every
 * read moves `vt`, every ack deletes) and not from its size, but the default
 * trigger is 50 + 20% of the live rows. A queue holding 1M delayed messages
 * thus waits for ~200k dead tuples, which pile up at the front of the vt
 * index that every read walks.
 */
import pg from "pg";

export type AutovacuumVariant = "default" | "recommended";

type StorageParameters = Record<string, number>;

/** `pgmq.q_<queue>`: vacuum on a fixed number of dead tuples, whatever the backlog. */
export const queueTableSettings: StorageParameters = {
  autovacuum_vacuum_scale_factor: 0,
  autovacuum_vacuum_threshold: 10_000,
};

/** `pgmq.a_<queue>`: inserted by every ack, deleted in batches by retention. */
export const archiveTableSettings: StorageParameters = {
  autovacuum_vacuum_scale_factor: 0,
  autovacuum_vacuum_threshold: 10_000,
};

/** `ALTER TABLE <table> SET (...)` for `settings`. */
export function alterTableSql(table: string, settings: StorageParameters): string {
  const list = Object.entries(settings).map(([name, value]) => `${name} = ${value}`);
  return `ALTER TABLE ${table} SET (${list.join(", ")})`;
}

export function queueTables(queue: string): { queue: string; archive: string } {
  return {
    queue: `pgmq.${pg.escapeIdentifier(`q_${queue}`)}`,
    archive: `pgmq.${pg.escapeIdentifier(`a_${queue}`)}`,
  };
}

/** The statements that give `queue` the variant's settings (none for the defaults). */
export function autovacuumStatements(queue: string, variant: AutovacuumVariant): string[] {
  if (variant === "default") return [];
  const tables = queueTables(queue);
  return [alterTableSql(tables.queue, queueTableSettings), alterTableSql(tables.archive, archiveTableSettings)];
}

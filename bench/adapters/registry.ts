/**
 * Every benchmarked system by id, loaded lazily: a system whose code cannot
 * load (pgmq-gen before its runtime lands) fails alone instead of taking the
 * whole bench down.
 */
import type { SystemAdapter } from "../system.js";

const loaders: Record<string, () => Promise<SystemAdapter>> = {
  "pgmq-gen": async () => (await import("./pgmqGen.js")).pgmqGenArchiveAdapter,
  "pgmq-gen-delete": async () => (await import("./pgmqGen.js")).pgmqGenDeleteAdapter,
  "pgmq-gen+otel": async () => (await import("./pgmqGen.js")).pgmqGenOtelAdapter,
  "raw-sql": async () => (await import("./rawSql/index.js")).rawSqlAdapter,
  "graphile-worker": async () => (await import("./graphileWorker.js")).graphileWorkerAdapter,
  "pg-boss": async () => (await import("./pgBoss.js")).pgBossAdapter,
  "bullmq-pg": async () => (await import("./bullmq.js")).bullmqAdapter,
};

/** In the order the report lists them; the first is the reference for ratios. */
export const systemIds = Object.keys(loaders);

export function loadAdapter(id: string): Promise<SystemAdapter> {
  const load = loaders[id];
  if (!load) throw new Error(`unknown system "${id}"; known: ${systemIds.join(", ")}`);
  return load();
}

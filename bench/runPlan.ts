/**
 * Runs every (workload, repetition, system) on its own fresh database,
 * systems interleaved within each repetition (A B C A B C ...) so that drift
 * in the machine hits all of them alike.
 */
import { createBenchDatabase } from "./database.js";
import type { SystemAdapter, WorkloadId } from "./system.js";
import { drain } from "./workloads/drain.js";
import { enqueueBatch, enqueueSingle, type Measurement } from "./workloads/enqueue.js";
import { latency } from "./workloads/latency.js";
import { mixed } from "./workloads/mixed.js";
import type { WorkloadParams } from "./workloads/params.js";

/** Samples of one system on one workload: per metric, one value per repetition. */
export interface SystemWorkloadResult {
  samples: Record<string, number[]>;
  /** Set when any repetition failed (an error, or a lost or duplicated job). */
  error?: string;
}

export type PlanResults = Partial<Record<WorkloadId, Record<string, SystemWorkloadResult>>>;

async function runOnce(adapter: SystemAdapter, workload: WorkloadId, params: WorkloadParams): Promise<Measurement> {
  const database = await createBenchDatabase(adapter.id, workload);
  try {
    // Drain opens its own sessions: one to load the backlog, one to work it off.
    if (workload === "drain") return await drain(() => adapter.open(database.url), params.drain, database.url);
    const session = await adapter.open(database.url);
    try {
      switch (workload) {
        case "enqueue-single":
          return await enqueueSingle(session, params.enqueueSingle);
        case "enqueue-batch":
          return await enqueueBatch(session, params.enqueueBatch);
        case "latency":
          return await latency(session, params.latency);
        case "mixed":
          return await mixed(session, params.mixed, { systemId: adapter.id, databaseUrl: database.url });
      }
    } finally {
      await session.close();
    }
  } finally {
    await database.drop();
  }
}

function formatMeasurement(measurement: Measurement): string {
  return Object.entries(measurement)
    .map(([metric, value]) => `${value < 100 ? value.toPrecision(3) : value.toFixed(0)} ${metric}`)
    .join(", ");
}

export async function runPlan(
  adapters: readonly SystemAdapter[],
  workloads: readonly WorkloadId[],
  reps: number,
  params: WorkloadParams,
  log: (line: string) => void,
): Promise<PlanResults> {
  const results: PlanResults = {};
  for (const workload of workloads) {
    const byWorkload: Record<string, SystemWorkloadResult> = (results[workload] = {});
    const joining = adapters.filter((adapter) => adapter.workloads.includes(workload));
    for (let rep = 1; rep <= reps; rep++) {
      for (const adapter of joining) {
        const result = (byWorkload[adapter.id] ??= { samples: {} });
        if (result.error) continue;
        const label = `${workload} #${rep} ${adapter.id}`;
        try {
          const measurement = await runOnce(adapter, workload, params);
          for (const [metric, value] of Object.entries(measurement)) (result.samples[metric] ??= []).push(value);
          log(`${label}: ${formatMeasurement(measurement)}`);
        } catch (error) {
          result.error = error instanceof Error ? error.message : String(error);
          log(`${label}: FAILED ${result.error}`);
        }
      }
    }
  }
  return results;
}

/**
 * The telemetry of pushes and of workers, made from `@opentelemetry/api`
 * once it has loaded (otelApi.ts): null when it is absent or turned off.
 */
import { JobMetrics } from "./jobMetrics.js";
import { MessageTracing } from "./messageTracing.js";
import { loadOtelApi, type OtelApiModule, otelApiNow } from "./otelApi.js";
import type { PushTracing, WorkerTelemetry } from "./telemetryTypes.js";

/** The push tracing of the loaded API (remade if `configure` turned telemetry off and on). */
let pushes: { api: OtelApiModule; tracing: MessageTracing } | null = null;

/** The API once its import has settled: after the first call, one check of a settled value. */
async function api(): Promise<OtelApiModule | null> {
  const now = otelApiNow();
  return now === undefined ? loadOtelApi() : now;
}

export async function pushTracing(): Promise<PushTracing | null> {
  let loaded = otelApiNow();
  if (loaded === undefined) loaded = await loadOtelApi();
  if (loaded === null) return null;
  if (pushes?.api !== loaded) pushes = { api: loaded, tracing: new MessageTracing(loaded) };
  return pushes.tracing;
}

/** A worker's telemetry; its meter is taken now, so a MeterProvider must be registered before. */
export async function workerTelemetry(): Promise<WorkerTelemetry | null> {
  const loaded = await api();
  if (loaded === null) return null;
  const tracing = new MessageTracing(loaded);
  const metrics = new JobMetrics(loaded);
  return {
    startAttempt: (queue, message) => tracing.startAttempt(queue, message),
    ended: (queue, outcome) => metrics.ended(queue, outcome),
    ran: (queue, durationMs, outcome) => metrics.ran(queue, durationMs, outcome),
    watchDepth: (queues, pool, intervalMs, onError) => metrics.watchDepth(queues, pool, intervalMs, onError),
  };
}

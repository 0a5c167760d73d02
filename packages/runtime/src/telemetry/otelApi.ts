/**
 * `@opentelemetry/api`, loaded once and only if it is installed: an
 * optional peer dependency of the runtime. An application that traces has
 * it (its SDK depends on it); one that does not pays nothing: no module of
 * it is loaded, and a push or a job checks one resolved value.
 *
 * The import is dynamic so that a missing package is a value (null), not a
 * failure to load the runtime. Every other module reaches the API through
 * this one (the dependency rules allow it nowhere else), as types only.
 */
import type * as OtelApi from "@opentelemetry/api";

/** The API's module, as `import("@opentelemetry/api")` gives it. */
export type OtelApiModule = typeof OtelApi;

/** The runtime's version, the meter's and the tracer's (checked against package.json by its test). */
export const RUNTIME_VERSION = "0.1.0";

/** The instrumentation scope of the runtime's tracer and meter. */
export const INSTRUMENTATION_NAME = "@pgmq-gen/runtime";

let enabled = true;
/** undefined: not tried yet; null: not installed, or turned off. */
let loaded: OtelApiModule | null | undefined;
let loading: Promise<OtelApiModule | null> | undefined;

/** `configure({ telemetry })`: with false the API is never imported, and what was loaded is no longer used. */
export function setTelemetryEnabled(value: boolean): void {
  enabled = value;
}

/** The API if its import has settled: the module, null (absent or turned off), or undefined (not tried yet). */
export function otelApiNow(): OtelApiModule | null | undefined {
  return enabled ? loaded : null;
}

/** Imports the API once; null when it is not installed (or fails to load) or telemetry is turned off. */
export function loadOtelApi(): Promise<OtelApiModule | null> {
  if (!enabled) return Promise.resolve(null);
  loading ??= import("@opentelemetry/api").then(
    (module) => {
      loaded = module;
      return module;
    },
    // ERR_MODULE_NOT_FOUND when it is not installed; anything else (a broken install) is treated alike:
    // telemetry is an addition, never a reason for a push or a worker to fail.
    () => {
      loaded = null;
      return null;
    },
  );
  return loading;
}

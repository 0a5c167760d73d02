/**
 * Every default of the config file, written once: the validator, the model
 * and the watch command read them from here. The runtime's defaults (a
 * queue's options, a worker's) are in packages/runtime/src/defaults.ts.
 */
import type { PgmqGenConfig, QueueConfig } from "./types.js";

export const CONFIG_DEFAULTS = {
  schemasDir: "schemas",
  outDir: "generated",
  runtimeImport: "@pgmq-gen/runtime",
  unsafePatterns: "warn",
} as const satisfies Required<Pick<PgmqGenConfig, "schemasDir" | "outDir" | "runtimeImport" | "unsafePatterns">>;

/** The defaults of a queue's schema-evolution options (see `QueueConfig`): the runtime never reads them. */
export const QUEUE_EVOLUTION_DEFAULTS = {
  compatibility: "backward",
  version: 1,
} as const satisfies Required<Pick<QueueConfig, "compatibility" | "version">>;

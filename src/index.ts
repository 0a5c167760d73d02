/**
 * `pgmq-gen`: `defineConfig` for `pgmq.config.ts`, and the runtime that
 * generated code and applications use.
 */
export { defineConfig } from "./config/types.js";
export type {
  PgmqGenConfig,
  QueueConfig,
  BackoffConfig,
  ExponentialBackoffConfig,
  FixedBackoffConfig,
} from "./config/types.js";
export type { JSONSchema } from "./config/jsonSchema.js";
export * from "@pgmq-gen/runtime";

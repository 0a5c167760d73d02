/**
 * Compiles the bench's pgmq-gen project (this folder's pgmq.config.ts) into
 * bench/.tmp/pgmq-gen/generated/ with the compiler's `generate()`, as a user's
 * build step would. The bench runs this once, in the bench process; worker
 * processes only import the result, so the compiler never weighs on them.
 * `configFile` picks another config of this folder (pgmq.before.config.ts:
 * the same queues on an earlier commit's runtime, for the depth bench).
 */
import { fileURLToPath } from "node:url";

export async function generateBenchQueues(configFile?: string): Promise<{ durationMs: number }> {
  const { generate } = await import("../../src/compiler.js");
  const cwd = fileURLToPath(new URL(".", import.meta.url));
  const result = await generate({ cwd, ...(configFile !== undefined ? { configPath: configFile } : {}) });
  return { durationMs: result.durationMs };
}

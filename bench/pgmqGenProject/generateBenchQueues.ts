/**
 * Compiles the bench's pgmq-gen project (this folder's pgmq.config.ts) into
 * bench/.tmp/pgmq-gen/generated/ with the compiler's `generate()`, as a user's
 * build step would. The bench runs this once, in the bench process; worker
 * processes only import the result, so the compiler never weighs on them.
 */
import { fileURLToPath } from "node:url";

export async function generateBenchQueues(): Promise<{ durationMs: number }> {
  const { generate } = await import("../../src/compiler.js");
  const result = await generate({ cwd: fileURLToPath(new URL(".", import.meta.url)) });
  return { durationMs: result.durationMs };
}

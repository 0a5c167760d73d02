/** Bench job payloads: deterministic, so every system carries the same bytes. */
import type { BenchJob } from "./system.js";

export function benchJob(seq: number): BenchJob {
  return { seq, to: `user${seq}@example.com`, subject: "Welcome aboard" };
}

export function benchJobs(from: number, count: number): BenchJob[] {
  return Array.from({ length: count }, (_, i) => benchJob(from + i));
}

/** The words the CLI prints: summaries for stdout, errors for stderr. */
import path from "node:path";
import { CompileError, CompileErrors } from "../errors.js";
import type { GenerateResult } from "../compiler.js";

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** `pgmq-gen: 3 queues, 2 files written, 7 unchanged, 0 removed (84 ms)` */
export function generateSummary(result: GenerateResult): string {
  const { write } = result;
  return `pgmq-gen: ${count(result.queueCount, "queue")}, ${count(write.written.length, "file")} written, ${write.unchanged.length} unchanged, ${write.removed.length} removed (${result.durationMs} ms)`;
}

/** Check mode: one line when fresh, otherwise a heading and one stale path (relative to `cwd`) per line. */
export function checkReport(result: GenerateResult, cwd: string): { fresh: boolean; lines: string[] } {
  const { stale, unchanged } = result.write;
  if (stale.length === 0) {
    return {
      fresh: true,
      lines: [
        `pgmq-gen: ${count(unchanged.length, "generated file")} up to date, ${count(result.queueCount, "queue")} (${result.durationMs} ms)`,
      ],
    };
  }
  return {
    fresh: false,
    lines: [
      `pgmq-gen: ${count(stale.length, "generated file")} out of date; run pgmq-gen to update:`,
      ...stale.map((file) => `  ${path.relative(cwd, path.join(result.outDir, file))}`),
    ],
  };
}

/** One line per warning, for stderr. */
export function warningLines(result: GenerateResult): string[] {
  return result.warnings.map((warning) => `warning: ${oneLine(warning.message)}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** One line per compile error; unexpected errors keep their stack, which is what a bug report needs. */
export function errorLines(error: unknown): string[] {
  if (error instanceof CompileErrors) return error.errors.map((each) => `error: ${oneLine(each.message)}`);
  if (error instanceof CompileError) return [`error: ${oneLine(error.message)}`];
  if (error instanceof Error) return [`pgmq-gen: unexpected error: ${error.stack ?? error.message}`];
  return [`pgmq-gen: unexpected error: ${String(error)}`];
}

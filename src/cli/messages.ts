/** The words the CLI prints: summaries for stdout, errors for stderr. */
import path from "node:path";
import { CompileError, CompileErrors } from "../errors.js";
import type { GenerateResult } from "../compiler.js";

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * `pgmq-gen: 3 queues, 2 files written, 7 unchanged, 0 removed (84 ms)`.
 * pgmq.lock.json counts as one of the files: pgmq-gen writes it, and
 * `--check` lists it when it is stale.
 */
export function generateSummary(result: GenerateResult): string {
  const { write, lock } = result;
  const written = write.written.length + (lock.written ? 1 : 0);
  const unchanged = write.unchanged.length + (lock.written ? 0 : 1);
  return `pgmq-gen: ${count(result.queueCount, "queue")}, ${count(written, "file")} written, ${unchanged} unchanged, ${write.removed.length} removed (${result.durationMs} ms)`;
}

/**
 * What a run changed in the lock, when it wrote it (`pgmq-gen: pgmq.lock.json:
 * recorded email; updated resize_image`): a new file to commit, or a schema
 * change accepted as compatible, is worth a line.
 */
export function lockLines(result: GenerateResult, cwd: string): string[] {
  const { lock } = result;
  if (!lock.written) return [];
  const parts = [
    lock.recorded.length > 0 ? `recorded ${lock.recorded.join(", ")}` : "",
    lock.updated.length > 0 ? `updated ${lock.updated.join(", ")}` : "",
    lock.removed.length > 0 ? `removed ${lock.removed.join(", ")}` : "",
  ].filter((part) => part !== "");
  // Written with nothing to list: its bytes were not pgmq-gen's (edited by hand, or an older format).
  return [`pgmq-gen: ${path.relative(cwd, lock.path)}: ${parts.length > 0 ? parts.join("; ") : "rewritten"}`];
}

/**
 * Check mode: one line when fresh, otherwise a heading and one stale path
 * (relative to `cwd`) per line; pgmq.lock.json counts as a generated file.
 */
export function checkReport(result: GenerateResult, cwd: string): { fresh: boolean; lines: string[] } {
  const stale = [
    ...result.write.stale.map((file) => path.join(result.outDir, file)),
    ...(result.lock.stale ? [result.lock.path] : []),
  ];
  const unchanged = result.write.unchanged.length + (result.lock.stale ? 0 : 1);
  if (stale.length === 0) {
    return {
      fresh: true,
      lines: [
        `pgmq-gen: ${count(unchanged, "generated file")} up to date, ${count(result.queueCount, "queue")} (${result.durationMs} ms)`,
      ],
    };
  }
  return {
    fresh: false,
    lines: [
      `pgmq-gen: ${count(stale.length, "generated file")} out of date; run pgmq-gen to update:`,
      ...stale.map((file) => `  ${path.relative(cwd, file)}`),
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

/**
 * The default logger: one concise line per event on stderr, for a person
 * reading a terminal or a container's log. The message already says
 * everything; the structured fields are for loggers that keep them, so this
 * one prints only an error's stack, and only at `debug`.
 */
import type { LogFields, Logger, LogLevel } from "./logger.js";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface StderrLoggerOptions {
  /** Lines below it are dropped; at `debug`, an error's stack follows its line. (Default: "info") */
  level?: LogLevel;
  /** Where a line goes, newline included. (Default: `process.stderr.write`) */
  write?: (line: string) => void;
}

function stackOf(fields: LogFields): string | undefined {
  try {
    const stack = (fields.err as { stack?: unknown } | null | undefined)?.stack;
    return typeof stack === "string" ? stack : undefined;
  } catch {
    return undefined;
  }
}

/** `2026-11-30T15:10:00.123Z WARN  pgmq-gen: <message>`; at `debug`, the stack of `fields.err` indented below. */
export function createStderrLogger(options: StderrLoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? "info"];
  if (threshold === undefined) throw new TypeError(`pgmq-gen: unknown log level ${String(options.level)}`);
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const showStacks = threshold <= RANK.debug;
  const line = (level: LogLevel) => (fields: LogFields, message: string) => {
    if (RANK[level] < threshold) return;
    let text = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} pgmq-gen: ${message}\n`;
    const stack = showStacks ? stackOf(fields) : undefined;
    if (stack !== undefined) text += `${stack.replace(/^/gm, "    ")}\n`;
    write(text);
  };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

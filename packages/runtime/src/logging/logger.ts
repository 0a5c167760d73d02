/**
 * The logger a worker reports to: the shape pino, console and most Node
 * loggers share, so any of them can be passed as is. Structured fields come
 * first and the message second (pino's order): pino writes both as one JSON
 * line, console prints the fields then the message.
 */

/** Structured fields of a log line: the same facts as its message, for loggers that keep them (pino, JSON). */
export type LogFields = Record<string, unknown>;

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** Throws `TypeError` unless `value` is `false`, `undefined` or has the four methods: caught at createWorker, not at the first failure. */
export function checkLoggerOption(value: unknown, where: string): Logger | false | undefined {
  if (value === undefined || value === false) return value;
  const levels: readonly LogLevel[] = ["debug", "info", "warn", "error"];
  const missing =
    typeof value === "object" || typeof value === "function"
      ? levels.filter((level) => typeof (value as Record<string, unknown> | null)?.[level] !== "function")
      : levels;
  if (value === null || missing.length > 0) {
    throw new TypeError(
      `pgmq-gen ${where}: logger must be false or an object with debug, info, warn and error methods ` +
        `(pino, console, or your own)${value !== null && missing.length < 4 ? `; it has no ${missing.join(", ")}` : ""}`,
    );
  }
  return value as Logger;
}

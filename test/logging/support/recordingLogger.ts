/** A logger that keeps every call, for tests that read what a worker logged and with which fields. */
import type { LogFields, Logger, LogLevel } from "../../../packages/runtime/src/logging/logger.js";

export interface LogEntry {
  level: LogLevel;
  fields: LogFields;
  message: string;
}

export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogLevel) => (fields: LogFields, message: string) => void entries.push({ level, fields, message });
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

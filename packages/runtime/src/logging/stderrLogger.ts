/**
 * The default logger: one concise line per event on stderr, for a person
 * reading a terminal or a container's log. The message already says
 * everything; the structured fields are for loggers that keep them, so this
 * one prints only an error's stack, and only at `debug`. A line stays one
 * line whatever an error's message holds (see `oneLine`).
 */
import type { LogFields, Logger, LogLevel } from "./logger.js";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Longest message written, in UTF-16 code units: an error's message can be megabytes; its fields keep all of it. */
export const MAX_MESSAGE_LENGTH = 2000;
/** Longest stack written at debug, in UTF-16 code units. */
const MAX_STACK_LENGTH = 16_384;

/**
 * `message` on one line a terminal shows as text: control characters (a
 * newline in an error's message, an escape sequence from a job's data, C1
 * controls, U+2028/U+2029) are written as `\n`, `\u001b`, `\u009b`; past
 * `MAX_MESSAGE_LENGTH` characters it is cut with a marker. Only the part kept
 * is escaped, so a huge message costs no more.
 */
export function oneLine(message: string): string {
  let kept = message.length > MAX_MESSAGE_LENGTH ? message.slice(0, MAX_MESSAGE_LENGTH) : message;
  const last = kept.charCodeAt(kept.length - 1);
  if (kept.length < message.length && last >= 0xd800 && last <= 0xdbff) kept = kept.slice(0, -1);
  // Control characters: C0, DEL and C1 (U+009B is CSI to terminals that honour C1, U+0085 is NEL), and the
  // line and paragraph separators U+2028 and U+2029, line breaks to many viewers.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
  const escaped = kept.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) =>
    char === "\n" ? "\\n" : char === "\t" ? "\\t" : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return kept.length === message.length ? escaped : `${escaped}… [${message.length - kept.length} more characters]`;
}

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

let stderrGuarded = false;

/**
 * `process.stderr.write`, except that a reader that went away (`node worker.js 2>&1 | head`, a log shipper that
 * crashed) loses the lines instead of ending the process: an EPIPE is emitted on process.stderr as 'error', and
 * unlistened it is an uncaught exception, every running job lost with the process. Other stream errors, when
 * nobody else listens, are rethrown as Node would.
 */
function writeStderr(line: string): void {
  const stderr = process.stderr;
  if (!stderrGuarded) {
    stderrGuarded = true;
    stderr.on("error", (error: NodeJS.ErrnoException) => {
      if (error?.code === "EPIPE" || error?.code === "ERR_STREAM_DESTROYED") return;
      if (stderr.listenerCount("error") > 1) return;
      throw error;
    });
  }
  if (stderr.destroyed || stderr.writableEnded) return;
  stderr.write(line);
}

/** `2026-11-30T15:10:00.123Z WARN  pgmq-gen: <message>`; at `debug`, the stack of `fields.err` indented below. */
export function createStderrLogger(options: StderrLoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? "info"];
  if (threshold === undefined) throw new TypeError(`pgmq-gen: unknown log level ${String(options.level)}`);
  const write = options.write ?? writeStderr;
  const showStacks = threshold <= RANK.debug;
  const line = (level: LogLevel) => (fields: LogFields, message: string) => {
    if (RANK[level] < threshold) return;
    let text = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} pgmq-gen: ${oneLine(message)}\n`;
    const stack = showStacks ? stackOf(fields) : undefined;
    if (stack !== undefined) {
      // A stack starts with the error's message, which can be huge: cut like a message, lines kept.
      const shown = stack.length > MAX_STACK_LENGTH ? `${stack.slice(0, MAX_STACK_LENGTH)}… [stack cut]` : stack;
      text += `${shown.replace(/^/gm, "    ")}\n`;
    }
    write(text);
  };
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}

/**
 * Sentences about a queue's options for the generated JSDoc, so a user reading
 * the handler interface sees what happens to a job without opening the config.
 */
import { type Backoff, type QueueOptions, queueBackoff } from "@pgmq-gen/runtime/contract";

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

export function describeBackoff(backoff: Backoff): string {
  if (backoff.kind === "fixed") return `a fixed ${backoff.delay}s delay`;
  const jitter = backoff.jitter ? ", with jitter" : "";
  return `exponential backoff (${backoff.initial}s, times ${backoff.factor} each attempt, at most ${backoff.max}s${jitter})`;
}

export function describeKill(options: QueueOptions): string {
  return options.deadLetter === null ? "deleted" : `moved to the \`${options.deadLetter}\` queue`;
}

export function describeRetries(options: QueueOptions): string {
  if (options.maxRetries === 0) return `it is not retried: the job is killed (${describeKill(options)}).`;
  return `it is retried up to ${plural(options.maxRetries, "more time")} after ${describeBackoff(queueBackoff(options))}, then killed (${describeKill(options)}).`;
}

/** 604800 -> "7 days", 90 -> "90 seconds": the largest unit up to days that divides it. */
export function describeDuration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, "day"],
    [3600, "hour"],
    [60, "minute"],
  ];
  const unit = seconds > 0 ? units.find(([size]) => seconds % size === 0) : undefined;
  return unit !== undefined ? plural(seconds / unit[0], unit[1]) : plural(seconds, "second");
}

export function describeSuccess(queue: string, options: QueueOptions): string {
  if (options.onSuccess === "delete") return "the message is deleted";
  const retention = options.archiveRetention;
  const kept = retention === undefined || retention === null ? "" : `, kept ${describeDuration(retention)}`;
  return `the message is archived (\`pgmq.a_${queue}\`${kept})`;
}

export function describeAbortReasons(options: QueueOptions): string {
  return options.jobTimeout === null
    ? "the worker is stopping"
    : `the job has run for ${options.jobTimeout}s (its timeout) or the worker is stopping`;
}

/** [1] -> "version 1"; [1, 2] -> "versions 1 and 2"; [1, 2, 3] -> "versions 1, 2 and 3" (`conjunction` "or": "version 1 or 2"). */
export function describeVersions(versions: readonly number[], conjunction: "and" | "or" = "and"): string {
  if (versions.length === 1) return `version ${versions[0]}`;
  const last = versions[versions.length - 1];
  const list = `${versions.slice(0, -1).join(", ")} ${conjunction} ${last}`;
  return conjunction === "and" ? `versions ${list}` : `version ${list}`;
}

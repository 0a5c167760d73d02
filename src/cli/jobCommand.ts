/**
 * `pgmq-gen job <queue> <id>` and `job cancel <queue> <id>` (issue 15 §2):
 * where one job is, and taking it back before a worker runs it, through the
 * runtime's `findJob` and `cancelJob`.
 */
import { cancelJob, findJob, type FoundJob, type JobState } from "@pgmq-gen/runtime";
import { type AdminSessionOptions, type QueueSession, withQueueSession } from "./adminSession.js";
import type { JobCommand } from "./commandLine.js";
import { type Confirmation, confirmed, needsYes } from "./confirmation.js";
import { block, jsonText, tableLines, timestamp } from "./messageReport.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface JobCommandOptions extends AdminSessionOptions {
  command: JobCommand;
}

const STATE_WORDS: Record<JobState, string> = {
  queued: "queued: visible, waiting for a worker",
  delayed: "delayed: pushed with a delay, not yet visible",
  in_flight: "in flight: a worker holds it, or it waits out a retry's backoff",
  archived: "archived: done",
  dead_lettered: "dead-lettered",
};

function where(session: QueueSession): string {
  return session.deadLetterQueue !== null
    ? `${session.queue}, its archive or ${session.deadLetterQueue}`
    : `${session.queue} or its archive`;
}

function jobJson(job: FoundJob): Record<string, unknown> {
  return {
    queue: job.queue,
    id: job.msgId,
    state: job.state,
    location: { queue: job.location.queue, id: job.location.msgId },
    attempts: job.attempts,
    enqueuedAt: job.enqueuedAt,
    visibleAt: job.visibleAt,
    archivedAt: job.archivedAt,
    reason: job.reason,
    headers: job.headers,
    payload: job.message,
  };
}

function jobLines(job: FoundJob): string[] {
  const heading =
    job.state === "dead_lettered"
      ? `${job.queue} job ${job.msgId}: dead-lettered, as message ${job.location.msgId} of ${job.location.queue} (pgmq-gen dlq show ${job.queue} ${job.location.msgId})`
      : `${job.queue} job ${job.msgId}: ${STATE_WORDS[job.state]}`;
  const facts: string[][] = [
    ["attempts", String(job.attempts)],
    [job.state === "dead_lettered" ? "dead-lettered" : "enqueued", timestamp(job.enqueuedAt)],
  ];
  if (job.visibleAt !== null)
    facts.push([job.state === "queued" ? "visible since" : "visible at", timestamp(job.visibleAt)]);
  if (job.archivedAt !== null) facts.push(["archived", timestamp(job.archivedAt)]);
  return [
    heading,
    ...tableLines(facts),
    ...(job.reason !== null ? block("reason", job.reason) : []),
    ...block("headers", jsonText(job.headers)),
    ...block("payload", jsonText(job.message)),
  ];
}

export async function runJobCommand(
  options: JobCommandOptions,
  terminal: Terminal,
  confirmation: Confirmation,
): Promise<ExitCode> {
  const { command } = options;
  if (command.action === "cancel" && !command.yes && !confirmation.interactive) {
    terminal.err(needsYes("job cancel", false));
    return ExitCode.usage;
  }
  return withQueueSession(`job ${command.action}`, command.queue, options, terminal, async (session) => {
    const lookup = { deadLetterQueue: session.deadLetterQueue, db: session.pool };
    const job = await findJob(command.queue, command.msgId, lookup);
    if (command.action === "show") {
      if (command.json)
        terminal.out(
          jsonText(job !== null ? jobJson(job) : { queue: command.queue, id: command.msgId, state: "not_found" }),
        );
      else if (job !== null) for (const line of jobLines(job)) terminal.out(line);
      else
        terminal.err(
          `${command.queue} job ${command.msgId}: not found in ${where(session)} (deleted, purged or never sent)`,
        );
      return job !== null ? ExitCode.ok : ExitCode.failed;
    }
    const name = `pgmq-gen job cancel`;
    if (job === null) {
      terminal.err(
        `${name}: ${command.queue} job ${command.msgId} is not found in ${where(session)}; nothing to cancel`,
      );
      return ExitCode.failed;
    }
    const cancellable =
      job.state === "queued" || job.state === "delayed" || (job.state === "in_flight" && command.force);
    if (!cancellable) {
      const advice =
        job.state === "in_flight"
          ? ": wait for it to finish or fail, or pass --force to delete it anyway (its handler goes on, and its ack then finds nothing)"
          : job.state === "dead_lettered"
            ? `: see pgmq-gen dlq show ${command.queue} ${job.location.msgId}, or dlq purge ${command.queue} --id ${job.location.msgId}`
            : "";
      terminal.err(
        `${name}: ${command.queue} job ${command.msgId} is ${job.state.replace("_", " ")}, not cancelled${advice}`,
      );
      return ExitCode.failed;
    }
    const answer = await confirmed(
      confirmation,
      command.yes,
      `Delete ${job.state.replace("_", " ")} ${command.queue} job ${command.msgId}?`,
    );
    if (answer === null) {
      terminal.err(needsYes("job cancel", false));
      return ExitCode.usage;
    }
    if (!answer) {
      terminal.err(`${name}: not confirmed; nothing was changed`);
      return ExitCode.failed;
    }
    const result = await cancelJob(command.queue, command.msgId, { ...lookup, inFlight: command.force });
    if (!result.cancelled) {
      // A worker took it (or someone deleted it) between the look and the delete.
      terminal.err(
        `${name}: ${command.queue} job ${command.msgId} is now ${result.state.replace("_", " ")}, not cancelled`,
      );
      return ExitCode.failed;
    }
    terminal.out(`${name}: deleted ${command.queue} job ${command.msgId} (it was ${result.state.replace("_", " ")})`);
    return ExitCode.ok;
  });
}

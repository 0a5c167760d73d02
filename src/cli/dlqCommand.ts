/**
 * `pgmq-gen dlq list|show|redrive|purge <queue>` (issue 15 §2): a queue's
 * dead letters, through the runtime's `deadLetters`, the same functions a
 * program calls.
 */
import { type DeadLetter, type DeadLetterFilter, deadLetters } from "@pgmq-gen/runtime";
import { type AdminSessionOptions, withQueueSession } from "./adminSession.js";
import type { DlqCommand } from "./commandLine.js";
import { type Confirmation, confirmed, needsYes } from "./confirmation.js";
import { block, jsonText, plural, reasonCell, tableLines, timestamp } from "./messageReport.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface DlqCommandOptions extends AdminSessionOptions {
  command: DlqCommand;
}

/** Dead letters a --dry-run lists before its count. */
const DRY_RUN_SHOWN = 20;
/** `list`'s default --limit. */
const LIST_LIMIT = 100;

function filterOf(command: DlqCommand): DeadLetterFilter {
  return {
    ...(command.ids !== undefined ? { ids: command.ids } : {}),
    ...(command.reason !== undefined ? { reason: command.reason } : {}),
    ...(command.olderThanSeconds !== undefined ? { olderThanSeconds: command.olderThanSeconds } : {}),
    ...(command.limit !== undefined ? { limit: command.limit } : {}),
  };
}

function filtered(command: DlqCommand): boolean {
  return (
    command.ids !== undefined ||
    command.reason !== undefined ||
    command.olderThanSeconds !== undefined ||
    command.limit !== undefined
  );
}

function listTable(letters: readonly DeadLetter[]): string[] {
  return tableLines([
    ["id", "dead-lettered", "attempts", "source id", "reason"],
    ...letters.map((letter) => [
      letter.msgId.toString(),
      timestamp(letter.deadLetteredAt),
      letter.attempts === null ? "-" : String(letter.attempts),
      letter.sourceMsgId === null ? "-" : letter.sourceMsgId.toString(),
      reasonCell(letter.reason),
    ]),
  ]);
}

function letterJson(letter: DeadLetter): Record<string, unknown> {
  return {
    id: letter.msgId,
    deadLetteredAt: letter.deadLetteredAt,
    attempts: letter.attempts,
    reason: letter.reason,
    sourceMsgId: letter.sourceMsgId,
    headers: letter.headers,
    payload: letter.message,
  };
}

export async function runDlqCommand(
  options: DlqCommandOptions,
  terminal: Terminal,
  confirmation: Confirmation,
): Promise<ExitCode> {
  const { command } = options;
  const destructive = command.action === "redrive" || command.action === "purge";
  // Refused before anything is read: off a terminal, only --yes (or --dry-run) may go on.
  if (destructive && !command.dryRun && !command.yes && !confirmation.interactive) {
    terminal.err(needsYes(`dlq ${command.action}`, true));
    return ExitCode.usage;
  }
  return withQueueSession(`dlq ${command.action}`, command.queue, options, terminal, async (session) => {
    if (session.deadLetterQueue === null) {
      terminal.err(
        `error: queue "${command.queue}" has no deadLetter queue in the config: its killed jobs are deleted, so it has no dead letters`,
      );
      return ExitCode.failed;
    }
    const letters = deadLetters(command.queue, { deadLetterQueue: session.deadLetterQueue, db: session.pool });
    switch (command.action) {
      case "list":
        return list(command, letters, terminal);
      case "show":
        return show(command, letters, terminal);
      case "redrive":
      case "purge":
        return change(command, letters, terminal, confirmation);
    }
  });
}

type Letters = ReturnType<typeof deadLetters>;

async function list(command: DlqCommand, letters: Letters, terminal: Terminal): Promise<ExitCode> {
  const limit = command.limit ?? LIST_LIMIT;
  // One more than shown: whether more match, without counting them all.
  const found = await letters.list({ ...filterOf(command), limit: limit + 1 });
  const shown = found.slice(0, limit);
  if (command.json) {
    terminal.out(jsonText(shown.map(letterJson)));
    return ExitCode.ok;
  }
  const where = `${command.queue} in ${letters.deadLetterQueue}`;
  if (shown.length === 0) {
    terminal.out(`no dead letters of ${where}${filtered(command) ? " match" : ""}`);
    return ExitCode.ok;
  }
  for (const line of listTable(shown)) terminal.out(line);
  terminal.out(
    found.length > limit
      ? `the first ${plural(limit, "dead letter")} of ${where}; more match: raise --limit or filter`
      : `${plural(shown.length, "dead letter")} of ${where}`,
  );
  return ExitCode.ok;
}

async function show(command: DlqCommand, letters: Letters, terminal: Terminal): Promise<ExitCode> {
  const letter = await letters.show(command.msgId!);
  if (letter === null) {
    terminal.err(`error: no dead letter ${command.msgId} of ${command.queue} in ${letters.deadLetterQueue}`);
    return ExitCode.failed;
  }
  if (command.json) {
    terminal.out(jsonText(letterJson(letter)));
    return ExitCode.ok;
  }
  terminal.out(`dead letter ${letter.msgId} of ${command.queue} (in ${letters.deadLetterQueue})`);
  for (const line of tableLines([
    ["dead-lettered", timestamp(letter.deadLetteredAt)],
    ["attempts", letter.attempts === null ? "-" : String(letter.attempts)],
    ["source id", letter.sourceMsgId === null ? "-" : letter.sourceMsgId.toString()],
  ]))
    terminal.out(line);
  for (const line of block("reason", letter.reason)) terminal.out(line);
  for (const line of block("headers", jsonText(letter.headers))) terminal.out(line);
  for (const line of block("payload", jsonText(letter.message))) terminal.out(line);
  return ExitCode.ok;
}

async function change(
  command: DlqCommand,
  letters: Letters,
  terminal: Terminal,
  confirmation: Confirmation,
): Promise<ExitCode> {
  const redrive = command.action === "redrive";
  const filter = filterOf(command);
  const name = `pgmq-gen dlq ${command.action}`;
  const what = (n: number) => `${plural(n, "dead letter")} of ${command.queue}`;
  const motion = redrive
    ? `from ${letters.deadLetterQueue} back to ${command.queue}`
    : `from ${letters.deadLetterQueue}`;
  const count = await letters.count(filter);
  if (count === 0) {
    terminal.out(
      `${name}: no dead letters of ${command.queue} in ${letters.deadLetterQueue}${filtered(command) ? " match" : ""}; nothing to do`,
    );
    return ExitCode.ok;
  }
  if (command.dryRun) {
    terminal.out(
      `${name} --dry-run: would ${redrive ? "move" : "delete"} ${what(count)} ${motion} (nothing was changed):`,
    );
    const first = await letters.list({ ...filter, limit: Math.min(count, DRY_RUN_SHOWN) });
    for (const line of listTable(first)) terminal.out(`  ${line}`);
    if (count > first.length) terminal.out(`  ... and ${count - first.length} more`);
    return ExitCode.ok;
  }
  const answer = await confirmed(
    confirmation,
    command.yes,
    `${redrive ? "Move" : "Delete"} ${what(count)} ${motion}${redrive ? "" : " for good"}?`,
  );
  if (answer === null) {
    terminal.err(needsYes(`dlq ${command.action}`, true));
    return ExitCode.usage;
  }
  if (!answer) {
    terminal.err(`${name}: not confirmed; nothing was changed`);
    return ExitCode.failed;
  }
  const started = performance.now();
  const runOptions = { ...filter, ...(command.batchSize !== undefined ? { batchSize: command.batchSize } : {}) };
  const run = redrive ? await letters.redrive(runOptions) : await letters.purge(runOptions);
  const ms = Math.round(performance.now() - started);
  terminal.out(
    `${name}: ${redrive ? "moved" : "deleted"} ${what(run.count)} ${motion} (${plural(run.batches, "batch", "batches")}, ${ms} ms)`,
  );
  return ExitCode.ok;
}

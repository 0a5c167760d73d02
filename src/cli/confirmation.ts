/**
 * Asking before a command changes the database (`dlq redrive`, `dlq purge`,
 * `job cancel`): on a terminal the user answers y/N; off one (a script, CI,
 * a pipe) there is no one to ask, so the command refuses unless given
 * `--yes`, rather than going ahead unseen.
 */
import { createInterface } from "node:readline/promises";

export interface Confirmation {
  /** Whether there is someone to ask: stdin is a terminal. */
  readonly interactive: boolean;
  /** Asks `question`; true only for an answer of y or yes. */
  ask(question: string): Promise<boolean>;
}

/** Asks on the process's terminal: the question on stderr (stdout may be piped), the answer from stdin. */
export const processConfirmation: Confirmation = {
  interactive: process.stdin.isTTY === true,
  async ask(question) {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await prompt.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      prompt.close();
    }
  },
};

/**
 * Whether to go ahead: yes with `--yes`, else the user's answer; off a
 * terminal, null: the caller refuses (exit 2) naming `--yes`.
 */
export async function confirmed(confirmation: Confirmation, yes: boolean, question: string): Promise<boolean | null> {
  if (yes) return true;
  if (!confirmation.interactive) return null;
  return confirmation.ask(question);
}

/** The refusal off a terminal, for stderr; `dryRun` when the command has a --dry-run to offer instead. */
export function needsYes(command: string, dryRun: boolean): string {
  const instead = dryRun ? " (or --dry-run to see what it would do)" : "";
  return `error: ${command} changes the database, and stdin is not a terminal to ask on: pass --yes to go ahead${instead}`;
}

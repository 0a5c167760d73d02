/**
 * The worker side of the email example. Its handler "sends" an email; two
 * recipients misbehave on purpose: one fails its first attempt (and is
 * retried), one bounces for good (and is dead-lettered to `email_dead`).
 *
 * Run on its own: `npx tsx examples/email/worker.ts`; Ctrl-C stops it gracefully.
 */
import { pathToFileURL } from "node:url";
import { UnrecoverableError, type Worker } from "@pgmq-gen/runtime";
import { createWorker, type EmailHandler } from "../../generated/index.js";
import { BOUNCING_RECIPIENT, FLAKY_RECIPIENT } from "./producer.js";

export const sendEmail: EmailHandler = {
  async handle(job, ctx) {
    const [recipient] = job.to;
    if (recipient === BOUNCING_RECIPIENT) {
      throw new UnrecoverableError(`${recipient} does not exist (hard bounce)`);
    }
    if (recipient === FLAKY_RECIPIENT && ctx.attempt === 1) {
      throw new Error("SMTP server busy, try again");
    }
    console.log(
      `sent "${job.subject}" to ${job.to.join(", ")} (message ${ctx.msgId}, attempt ${ctx.attempt}/${ctx.maxAttempts})`,
    );
  },
};

/**
 * A worker for the email queue. Its default logger writes to stderr when it
 * starts and stops, and each failed attempt, kill and lost connection: pass
 * `logger` (pino, console) to send those lines elsewhere, `logger: false` to
 * silence them.
 */
export function createEmailWorker(options: { handleSignals?: boolean } = {}): Worker {
  return createWorker(
    { email: sendEmail },
    // The flaky job's retry waits for the queue's backoff; a short poll finds it soon after.
    { concurrency: 8, pollInterval: 250, handleSignals: options.handleSignals ?? false },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const worker = createEmailWorker({ handleSignals: true });
  await worker.start(); // logs "worker started: queue email; ..." on stderr
  console.log("email worker running; Ctrl-C to stop");
}

/**
 * The producer side of the email example: pushes a few welcome emails, one in
 * a batch, one delayed, and shows what an invalid job does (nothing is sent).
 *
 * Run on its own: `npx tsx examples/email/producer.ts` (after `npm run build`
 * and `node dist/cli/main.js`), with DATABASE_URL pointing at PostgreSQL.
 */
import { pathToFileURL } from "node:url";
import { ValidationError, closePool } from "@pgmq-gen/runtime";
import { emailQueue, type EmailJob } from "../../generated/index.js";

/** Recipients whose handler fails on purpose, to show retries and dead-lettering. */
export const FLAKY_RECIPIENT = "flaky@example.com";
export const BOUNCING_RECIPIENT = "bounce@example.com";

function welcome(to: string): EmailJob {
  return { to: [to], subject: `Welcome, ${to.split("@")[0]}!`, template: "welcome", variables: { plan: "team" } };
}

/** Pushes the example's emails; resolves to the message ids that were sent. */
export async function pushExampleEmails(): Promise<bigint[]> {
  const ids: bigint[] = [];
  ids.push(await emailQueue.push(welcome("ada@example.com")));
  ids.push(await emailQueue.push(welcome(FLAKY_RECIPIENT), { headers: { traceId: "example-1" } }));
  ids.push(await emailQueue.push(welcome(BOUNCING_RECIPIENT)));
  ids.push(await emailQueue.push(welcome("later@example.com"), { delay: 2 }));
  ids.push(...(await emailQueue.pushBatch(["grace@example.com", "linus@example.com"].map(welcome))));

  try {
    // A job that does not match schemas/email.schema.json: rejected before anything is sent.
    await emailQueue.push({ to: ["not-an-address"], subject: "", template: "welcome" });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    console.log(`rejected an invalid job, nothing sent:\n  ${error.message}`);
  }
  return ids;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const ids = await pushExampleEmails();
  console.log(`pushed ${ids.length} emails: ${ids.join(", ")}`);
  await closePool();
}

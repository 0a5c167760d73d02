/**
 * The email example end to end: makes sure its database exists, starts a
 * worker, pushes jobs, waits until every one of them has ended (done or
 * killed), prints what happened and stops.
 *
 *   npm run example
 *
 * Uses DATABASE_URL when set, else postgres://postgres@127.0.0.1:5432/pgmq_gen_example
 * (created on first run).
 */
import pg from "pg";
import { closePool, configure } from "pgmq-gen";
import { pushExampleEmails } from "./producer.js";
import { createEmailWorker } from "./worker.js";

const EXAMPLE_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pgmq_gen_example";
const TIMEOUT_MS = 60_000;

async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const adminUrl = new URL(url);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
}

const url = process.env.DATABASE_URL ?? EXAMPLE_DATABASE_URL;
if (process.env.DATABASE_URL === undefined) await ensureDatabase(url);
configure({ connectionString: url });

const worker = createEmailWorker();
const ended = new Map<bigint, string>();
worker.on("job:complete", ({ msgId, attempt }) => ended.set(msgId, `done on attempt ${attempt}`));
worker.on("job:kill", ({ msgId, deadLetter }) => ended.set(msgId, `killed, moved to ${deadLetter ?? "nowhere (deleted)"}`));
await worker.start();

const ids = await pushExampleEmails();
console.log(`pushed ${ids.length} emails; waiting for the worker`);

const deadline = Date.now() + TIMEOUT_MS;
while (ids.some((id) => !ended.has(id)) && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await worker.stop();
await closePool();

console.log("\nsummary:");
for (const id of ids) console.log(`  message ${id}: ${ended.get(id) ?? "NOT FINISHED"}`);
if (ids.some((id) => !ended.has(id))) {
  console.error(`some jobs did not finish within ${TIMEOUT_MS / 1000} s`);
  process.exit(1);
}

/**
 * The email example end to end: picks its database, starts a worker, pushes
 * jobs, waits until every one of them has ended (done or killed), prints what
 * happened and stops.
 *
 *   npm run example
 *
 * Database, in this order (printed on the first line): DATABASE_URL when set,
 * used as is; else the database `pgmq_gen_example` (created on first run) on
 * the server answering on 127.0.0.1:5432; else the same database on an
 * embedded PostgreSQL started for the run, data in `.pgmq/example`, stopped
 * at the end.
 */
import pg from "pg";
import { closePool, configure } from "@pgmq-gen/runtime";
import { resolveDatabase } from "../../src/devDatabase/resolveDatabase.js";
import { pushExampleEmails } from "./producer.js";
import { createEmailWorker } from "./worker.js";

const EXAMPLE_DATABASE = "pgmq_gen_example";
const TIMEOUT_MS = 60_000;

/** `serverUrl` with the example's database, created on first run. */
async function exampleDatabase(serverUrl: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [EXAMPLE_DATABASE]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(EXAMPLE_DATABASE)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${EXAMPLE_DATABASE}`;
  return url.toString();
}

const database = await resolveDatabase({ dataDir: ".pgmq/example" });
console.log(database.description);
let allEnded = false;
try {
  const url = database.source === "DATABASE_URL" ? database.url : await exampleDatabase(database.url);
  configure({ connectionString: url });
  allEnded = await runExample();
} finally {
  await closePool();
  await database.stop();
}
if (!allEnded) process.exitCode = 1;

async function runExample(): Promise<boolean> {
  const worker = createEmailWorker();
  const ended = new Map<bigint, string>();
  worker.on("job:complete", ({ msgId, attempt }) => ended.set(msgId, `done on attempt ${attempt}`));
  worker.on("job:kill", ({ msgId, deadLetter }) =>
    ended.set(msgId, `killed, moved to ${deadLetter ?? "nowhere (deleted)"}`),
  );
  await worker.start();

  const ids = await pushExampleEmails();
  console.log(`pushed ${ids.length} emails; waiting for the worker`);

  const deadline = Date.now() + TIMEOUT_MS;
  while (ids.some((id) => !ended.has(id)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await worker.stop();

  console.log("\nsummary:");
  for (const id of ids) console.log(`  message ${id}: ${ended.get(id) ?? "NOT FINISHED"}`);
  if (ids.some((id) => !ended.has(id))) {
    console.error(`some jobs did not finish within ${TIMEOUT_MS / 1000} s`);
    return false;
  }
  return true;
}

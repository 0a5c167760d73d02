/**
 * Runs once before the suite: picks the PostgreSQL the tests talk to
 * (`DATABASE_URL`, else a server on 127.0.0.1:5432, else an embedded server
 * started for this run, data in `.pgmq/test`) and hands it to every test file
 * and the processes they spawn through `DATABASE_URL`. Always a real server.
 */
import { resolveDatabase } from "../src/devDatabase/resolveDatabase.js";

export default async function setup(): Promise<() => Promise<void>> {
  const database = await resolveDatabase({ dataDir: ".pgmq/test" });
  process.env.DATABASE_URL = database.url;
  console.info(`[test setup] ${database.description}`);
  return () => database.stop();
}

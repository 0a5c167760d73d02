/**
 * A redrive killed mid-way (issue 15 §2): `pgmq-gen dlq redrive` of 20,000
 * dead letters in batches of 20, SIGKILLed once some batches have moved.
 * Each batch is one statement, so every message is then in exactly one of
 * the two queues, whole batches moved; running the redrive again finishes
 * it, each message moved exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { runCli, startCli } from "./runCli.js";

const db = useTestDatabase("cli_dlq_redrive_interrupted");

const MESSAGES = 20_000;
const BATCH = 20;

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-dlq-interrupted", {
    "pgmq.config.json": JSON.stringify({ queues: { email: { schema: { type: "object" }, deadLetter: "email_dlq" } } }),
  });
  for (const queue of ["email", "email_dlq"]) await db.pgmq.ensureQueue(queue);
  // The worker's record, as PgmqClient.deadLetter writes it (pgmq.deadLetter.test.ts checks that shape).
  await db.pool.query(
    `INSERT INTO pgmq.q_email_dlq (vt, message, headers)
     SELECT clock_timestamp(), jsonb_build_object('n', g),
            jsonb_build_object('x-pgmq-gen-version', 1, 'x-pgmq-gen-dead-letter', jsonb_build_object(
              'error', 'Error: boom', 'attempts', 4, 'sourceQueue', 'email', 'sourceMsgId', g::text, 'killedAt', now()))
       FROM generate_series(1, $1::int) AS g`,
    [MESSAGES],
  );
});
afterAll(() => project.remove());

async function counts(): Promise<{ source: number; dlq: number }> {
  const { rows } = await db.pool.query<{ source: number; dlq: number }>(
    "SELECT (SELECT count(*) FROM pgmq.q_email)::int AS source, (SELECT count(*) FROM pgmq.q_email_dlq)::int AS dlq",
  );
  return rows[0]!;
}

/** Every message's `n`, from both queues, with how many times it is there. */
async function placements(): Promise<{ distinct: number; total: number; min: number; max: number }> {
  const { rows } = await db.pool.query(
    `SELECT count(DISTINCT n)::int AS distinct, count(*)::int AS total, min(n)::int AS min, max(n)::int AS max
       FROM (SELECT (message ->> 'n')::int AS n FROM pgmq.q_email
             UNION ALL SELECT (message ->> 'n')::int FROM pgmq.q_email_dlq) AS every`,
  );
  return rows[0];
}

/** Waits until no other backend runs a statement on the database: a killed client's statement may outlive it. */
async function quiet(): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'",
    );
    if (rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("a statement of the killed redrive is still running after 10 s");
}

describe("issue 15 #2: an interrupted redrive", () => {
  it("issue 15 #2: SIGKILLed mid-way, a redrive of 20,000 in batches of 20 leaves every message in exactly one queue (whole batches moved); run again, it moves the rest, each exactly once", async () => {
    const child = startCli(["dlq", "redrive", "email", "--yes", "--batch-size", String(BATCH)], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on("exit", (code, signal) => resolve(signal ?? code)),
    );
    let atKill = { source: 0, dlq: MESSAGES };
    for (;;) {
      atKill = await counts();
      if (atKill.source >= 1000 || child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill("SIGKILL");
    expect(await exited, `the redrive ended before it was killed: ${output}`).toBe("SIGKILL");
    await quiet();

    const after = await counts();
    expect(after.source).toBeGreaterThanOrEqual(atKill.source);
    expect(after.source).toBeLessThan(MESSAGES);
    expect(after.source + after.dlq).toBe(MESSAGES);
    expect(after.source % BATCH).toBe(0);
    expect(await placements()).toEqual({ distinct: MESSAGES, total: MESSAGES, min: 1, max: MESSAGES });
    const { rows: fresh } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pgmq.q_email WHERE read_ct = 0 AND jsonb_array_length(headers -> 'x-pgmq-gen-redriven') = 1",
    );
    expect(fresh[0].n).toBe(after.source);

    const rest = await runCli(["dlq", "redrive", "email", "--yes", "--batch-size", "500"], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
      timeoutMs: 120_000,
    });
    expect(rest.stderr).toBe("");
    expect(rest.code).toBe(0);
    expect(rest.stdout).toContain(`moved ${after.dlq} dead letters of email from email_dlq back to email`);
    expect(await counts()).toEqual({ source: MESSAGES, dlq: 0 });
    expect(await placements()).toEqual({ distinct: MESSAGES, total: MESSAGES, min: 1, max: MESSAGES });
    const { rows: once } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pgmq.q_email
        WHERE read_ct = 0 AND jsonb_array_length(headers -> 'x-pgmq-gen-redriven') = 1
          AND headers -> 'x-pgmq-gen-redriven' -> 0 ->> 'sourceMsgId' = message ->> 'n'
          AND NOT headers ? 'x-pgmq-gen-dead-letter'`,
    );
    expect(once[0].n).toBe(MESSAGES);
  });
});

/**
 * `pgmq-gen prune` against PostgreSQL (issue 15 §3): deletes each queue's
 * archived rows older than its archiveRetention (or --older-than), prints
 * what each queue lost; --dry-run counts only.
 */
import { beforeEach, afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { runCli } from "./runCli.js";

const db = useTestDatabase("cli_prune");

/** email keeps 7 days and dead-letters to email_dead (kept forever); report keeps 1 day but has no table. */
const config = {
  queues: {
    email: { schema: { type: "object" }, archiveRetention: "7d", deadLetter: "email_dead" },
    report: { schema: { type: "object" }, archiveRetention: "1d" },
    resize: { schema: { type: "object" } },
  },
};

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-prune", { "pgmq.config.json": JSON.stringify(config) });
});
afterAll(() => project.remove());

/** `old` rows archived 10 days ago and older, `young` archived minutes ago. */
async function fillArchive(queue: string, old: number, young: number): Promise<void> {
  await db.pgmq.ensureQueue(queue);
  await db.pool.query(`TRUNCATE pgmq.a_${queue}`);
  await db.pool.query(
    `INSERT INTO pgmq.a_${queue} (msg_id, archived_at, enqueued_at, vt, message)
     SELECT i, at, at, at, '{}'::jsonb
       FROM generate_series(1, $1::int + $2::int) AS i,
            LATERAL (SELECT CASE WHEN i <= $1::int THEN now() - interval '10 days' - i * interval '1 second'
                                 ELSE now() - i * interval '1 second' END AS at) AS a`,
    [old, young],
  );
}

async function archived(queue: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgmq.a_${queue}`);
  return rows[0]!.n;
}

beforeEach(async () => {
  await fillArchive("email", 1500, 5);
  await fillArchive("email_dead", 20, 0);
  await fillArchive("resize", 30, 0);
});

const prune = (args: readonly string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.url }) =>
  runCli(["prune", ...args], { cwd: project.dir, env, timeoutMs: 60_000 });

const ISO = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

describe("issue 15 #3: pgmq-gen prune", () => {
  it("issue 15 #3: prunes every configured queue with a retention, one row per queue of the config, and a total", async () => {
    const run = await prune([]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("queue       older than  deleted");
    expect(lines[1]).toMatch(new RegExp(`^email       7 days         1500  archived before ${ISO}, 2 batches$`));
    expect(lines[2]).toBe("email_dead  -                 -  no archiveRetention: kept forever");
    expect(lines[3]).toBe("report      1 day             -  no queue table yet");
    expect(lines[4]).toBe("resize      -                 -  no archiveRetention: kept forever");
    expect(lines[5]).toMatch(/^pgmq-gen prune: 1500 archived rows deleted \(\d+ ms\)$/);
    expect(lines).toHaveLength(6);
    expect(await archived("email")).toBe(5);
    expect(await archived("email_dead")).toBe(20);
    expect(await archived("resize")).toBe(30);
  });

  it("issue 15 #3: --dry-run counts what would go and deletes nothing", async () => {
    const run = await prune(["--dry-run", "email"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("queue  older than  would delete");
    expect(lines[1]).toMatch(new RegExp(`^email  7 days              1500  archived before ${ISO}$`));
    expect(lines[2]).toMatch(/^pgmq-gen prune: dry run, 1500 archived rows would be deleted, nothing was \(\d+ ms\)$/);
    expect(await archived("email")).toBe(1505);
  });

  it("issue 15 #3: --older-than overrides the retention and reaches queues without one; --batch-size sets the batches", async () => {
    const run = await prune(["email_dead", "email", "--older-than", "0", "--batch-size", "500"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[1]).toMatch(new RegExp(`^email_dead  0 seconds        20  archived before ${ISO}, 1 batch$`));
    expect(lines[2]).toMatch(new RegExp(`^email       0 seconds      1505  archived before ${ISO}, 4 batches$`));
    expect(await archived("email")).toBe(0);
    expect(await archived("email_dead")).toBe(0);

    const hours = await prune(["--older-than", "36h"]);
    expect(hours.code).toBe(0);
    expect(hours.stdout).toMatch(/resize\s+36 hours\s+30 {2}archived before/);
    expect(await archived("resize")).toBe(0);
  });

  it("issue 15 #3: without DATABASE_URL or --database-url, exit 2 and nothing is touched", async () => {
    const run = await prune([], { DATABASE_URL: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no database to prune; pass --database-url <url> or set DATABASE_URL");
    expect(await archived("email")).toBe(1505);
    const withFlag = await prune(["--database-url", db.url, "email"], { DATABASE_URL: "" });
    expect(withFlag.code).toBe(0);
    expect(await archived("email")).toBe(5);
  });

  it("issue 15 #3: a queue that is not in the config, not a queue name, or has no retention without --older-than: exit 2, nothing deleted", async () => {
    const unknown = await prune(["emial", "email"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('queue "emial" is not in the config; did you mean email?');
    const invalid = await prune(["Email"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('"Email" is not a queue name');
    const noRetention = await prune(["email", "resize"]);
    expect(noRetention.code).toBe(2);
    expect(noRetention.stderr).toContain(
      'queue "resize" has no archiveRetention: set one in the config, or pass --older-than <duration>',
    );
    expect(await archived("email")).toBe(1505);
    expect(await archived("resize")).toBe(30);
  });

  it("issue 15 #3: a bad --older-than or --batch-size is a usage error naming the option", async () => {
    const age = await prune(["--older-than", "7 days"]);
    expect(age.code).toBe(2);
    expect(age.stderr).toContain("option --older-than needs a duration such as 90s, 30m, 12h, 7d, 2w or 1h30m");
    expect(age.stderr).toContain("Usage: pgmq-gen prune [<queue>...]");
    const batch = await prune(["--batch-size", "0"]);
    expect(batch.code).toBe(2);
    expect(batch.stderr).toContain("option --batch-size needs a whole number from 1 to 100000");
  });

  it("issue 15 #3: a database that cannot be reached: exit 1", async () => {
    const run = await prune([], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error: prune failed: /);
  });
});

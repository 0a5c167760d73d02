/**
 * `pgmq-gen job <queue> <id>` and `job cancel <queue> <id>` against
 * PostgreSQL (issue 15 §2): a job in each place it can be, and cancelling
 * one only while no worker holds it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobCommand } from "../../src/cli/commandLine.js";
import { parseCommandLine } from "../../src/cli/commandLine.js";
import { runJobCommand } from "../../src/cli/jobCommand.js";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { deadLetterOne, rowsOf } from "./deadLetterSeed.js";
import { runCli } from "./runCli.js";

const db = useTestDatabase("cli_job");

const config = {
  queues: {
    email: { schema: { type: "object" }, deadLetter: "email_dlq" },
    // A queue may be named like the action: `job cancel 5` looks up its job 5.
    cancel: { schema: { type: "object" } },
  },
};

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-job", { "pgmq.config.json": JSON.stringify(config) });
  for (const queue of ["email", "email_dlq", "cancel"]) await db.pgmq.ensureQueue(queue);
});
afterAll(() => project.remove());

const job = (args: readonly string[]) =>
  runCli(["job", ...args], { cwd: project.dir, env: { DATABASE_URL: db.url }, timeoutMs: 60_000 });

const headers = { trace: "t-1", "x-pgmq-gen-version": 1 };

/** A message in each state, made as producers and workers make them. */
async function jobInEachState() {
  const queued = await db.pgmq.send("email", { to: "queued@example.com" }, { headers });
  const delayed = await db.pgmq.send("email", { to: "delayed@example.com" }, { headers, delay: 3600 });
  const inFlight = await db.pgmq.send("email", { to: "in-flight@example.com" }, { headers });
  // A worker's read: invisible for its visibility timeout, read_ct 1.
  await db.pool.query("UPDATE pgmq.q_email SET read_ct = 1, vt = now() + interval '1 hour' WHERE msg_id = $1", [
    inFlight.toString(),
  ]);
  const archived = await db.pgmq.send("email", { to: "archived@example.com" }, { headers });
  await db.pgmq.archive("email", [archived]);
  const dead = await deadLetterOne(db.pgmq, db.pool, "email", "email_dlq", {
    payload: { to: "dead@example.com" },
    reason: "Error: SMTP 550\n  at send",
    attempts: 4,
  });
  return { queued, delayed, inFlight, archived, dead };
}

describe("issue 15 #2: pgmq-gen job <queue> <id>", () => {
  it("issue 15 #2: job tells where a job is (queued, delayed, in flight, archived, dead-lettered), its attempts, headers and payload", async () => {
    const ids = await jobInEachState();
    const cases: [bigint, RegExp[]][] = [
      [
        ids.queued,
        [/^email job \d+: queued: visible, waiting for a worker$/m, /^attempts +0$/m, /^visible since +\d{4}-/m],
      ],
      [
        ids.delayed,
        [/^email job \d+: delayed: pushed with a delay, not yet visible$/m, /^attempts +0$/m, /^visible at +\d{4}-/m],
      ],
      [
        ids.inFlight,
        [/^email job \d+: in flight: a worker holds it, or it waits out a retry's backoff$/m, /^attempts +1$/m],
      ],
      [ids.archived, [/^email job \d+: archived: done$/m, /^archived +\d{4}-/m]],
      [
        ids.dead.sourceId,
        [
          new RegExp(
            `^email job \\d+: dead-lettered, as message ${ids.dead.id} of email_dlq \\(pgmq-gen dlq show email ${ids.dead.id}\\)$`,
            "m",
          ),
          /^attempts +4$/m,
          /^reason\n {2}Error: SMTP 550\n {4}at send$/m,
          /"x-pgmq-gen-dead-letter": \{/,
        ],
      ],
    ];
    for (const [id, patterns] of cases) {
      const run = await job(["email", String(id)]);
      expect(run.stderr, String(id)).toBe("");
      expect(run.code, String(id)).toBe(0);
      for (const pattern of patterns) expect(run.stdout, String(id)).toMatch(pattern);
      expect(run.stdout).toMatch(/^headers\n {2}\{\n {4}"trace": "t/m);
      expect(run.stdout).toMatch(/^payload\n {2}\{\n {4}"to": "[a-z-]+@example\.com"\n {2}\}$/m);
    }
    const json = JSON.parse((await job(["email", String(ids.dead.sourceId), "--json"])).stdout);
    expect(json).toMatchObject({
      queue: "email",
      id: String(ids.dead.sourceId),
      state: "dead_lettered",
      location: { queue: "email_dlq", id: String(ids.dead.id) },
      attempts: 4,
      reason: "Error: SMTP 550\n  at send",
      payload: { to: "dead@example.com" },
    });
  });

  it("issue 15 #2: a job that is nowhere exits 1 naming where it looked", async () => {
    const run = await job(["email", "987654"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "email job 987654: not found in email, its archive or email_dlq (deleted, purged or never sent)\n",
    );
    const json = await job(["email", "987654", "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ queue: "email", id: "987654", state: "not_found" });
  });
});

describe("issue 15 #2: pgmq-gen job cancel <queue> <id>", () => {
  it("issue 15 #2: cancel --yes deletes a queued or a delayed job; one in flight is refused (exit 1) unless --force; archived and dead-lettered ones are refused", async () => {
    const ids = await jobInEachState();
    for (const [id, state] of [
      [ids.queued, "queued"],
      [ids.delayed, "delayed"],
    ] as const) {
      const run = await job(["cancel", "email", String(id), "--yes"]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`pgmq-gen job cancel: deleted email job ${id} (it was ${state})\n`);
    }
    const inFlight = await job(["cancel", "email", String(ids.inFlight), "--yes"]);
    expect(inFlight.code).toBe(1);
    expect(inFlight.stderr).toContain(
      `email job ${ids.inFlight} is in flight, not cancelled: wait for it to finish or fail, or pass --force`,
    );
    expect((await rowsOf(db.pool, "email")).map((row) => row.msgId)).toContain(ids.inFlight);

    const archived = await job(["cancel", "email", String(ids.archived), "--yes"]);
    expect(archived.code).toBe(1);
    expect(archived.stderr).toContain("is archived, not cancelled");
    const dead = await job(["cancel", "email", String(ids.dead.sourceId), "--yes"]);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toContain(`is dead lettered, not cancelled: see pgmq-gen dlq show email ${ids.dead.id}`);
    const missing = await job(["cancel", "email", "987654", "--yes"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("is not found in email, its archive or email_dlq; nothing to cancel");

    const forced = await job(["cancel", "email", String(ids.inFlight), "--yes", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(`pgmq-gen job cancel: deleted email job ${ids.inFlight} (it was in flight)\n`);
    expect((await rowsOf(db.pool, "email")).map((row) => row.msgId)).not.toContain(ids.inFlight);
  });

  it("issue 15 #2: off a terminal, cancel without --yes refuses (exit 2) naming --yes; on one it asks, and no keeps the job", async () => {
    const id = await db.pgmq.send("email", { to: "keep@example.com" }, { headers });
    const run = await job(["cancel", "email", String(id)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "error: job cancel changes the database, and stdin is not a terminal to ask on: pass --yes",
    );

    const questions: string[] = [];
    const terminal = { out: () => undefined, err: () => undefined };
    const asking = (answer: boolean) => ({
      interactive: true,
      ask: async (question: string) => {
        questions.push(question);
        return answer;
      },
    });
    const command = parseCommandLine(["job", "cancel", "email", String(id)]) as JobCommand;
    const options = { cwd: project.dir, databaseUrl: db.url, command };
    expect(await runJobCommand(options, terminal, asking(false))).toBe(1);
    expect((await rowsOf(db.pool, "email")).map((row) => row.msgId)).toContain(id);
    expect(await runJobCommand(options, terminal, asking(true))).toBe(0);
    expect(questions).toEqual([`Delete queued email job ${id}?`, `Delete queued email job ${id}?`]);
    expect((await rowsOf(db.pool, "email")).map((row) => row.msgId)).not.toContain(id);
  });

  it("issue 15 #2: job <queue> <id> with a queue named cancel looks its job up; job cancel cancel <id> cancels it", async () => {
    const id = await db.pgmq.send("cancel", { n: 1 });
    const shown = await job(["cancel", String(id)]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^cancel job ${id}: queued`));
    const cancelled = await job(["cancel", "cancel", String(id), "--yes"]);
    expect(cancelled.stdout).toBe(`pgmq-gen job cancel: deleted cancel job ${id} (it was queued)\n`);
    const mistakes = await job(["email", String(id), "--force"]);
    expect(mistakes.code).toBe(2);
    expect(mistakes.stderr).toContain("option --force does not apply to job show; it applies to job cancel");
  });
});

/**
 * `pgmq-gen dlq list|show|redrive|purge` against PostgreSQL (issue 15 §2):
 * a queue's dead letters, told apart from another queue's in the same
 * dead-letter queue by their record; every filter; redrive's headers and
 * attempts; what refuses to run off a terminal without --yes; and the
 * prompt on a terminal (the command run in-process with a scripted answer).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DlqCommand } from "../../src/cli/commandLine.js";
import { parseCommandLine } from "../../src/cli/commandLine.js";
import type { JsonValue } from "../../packages/runtime/src/types.js";
import type { Confirmation } from "../../src/cli/confirmation.js";
import { runDlqCommand } from "../../src/cli/dlqCommand.js";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { deadLetterOne, rowsOf, type SeededDeadLetter } from "./deadLetterSeed.js";
import { runCli } from "./runCli.js";

const db = useTestDatabase("cli_dlq");

/** email and sms share one dead-letter queue; plain has none. */
const config = {
  queues: {
    email: { schema: { type: "object" }, deadLetter: "shared_dlq" },
    sms: { schema: { type: "object" }, deadLetter: "shared_dlq" },
    plain: { schema: { type: "object" } },
  },
};

const DAY = 86_400;

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-dlq", { "pgmq.config.json": JSON.stringify(config) });
  for (const queue of ["email", "sms", "plain", "shared_dlq"]) await db.pgmq.ensureQueue(queue);
});
afterAll(() => project.remove());

/** email's five dead letters, in id order, and sms's one (which no email command may touch). */
let email: SeededDeadLetter[];
let sms: SeededDeadLetter;

beforeEach(async () => {
  await db.pool.query("DELETE FROM pgmq.q_email; DELETE FROM pgmq.q_sms; DELETE FROM pgmq.q_shared_dlq");
  const seed = (payload: { [key: string]: JsonValue }, reason: string, attempts: number, ageSeconds?: number) =>
    deadLetterOne(db.pgmq, db.pool, "email", "shared_dlq", {
      payload,
      reason,
      attempts,
      ...(ageSeconds !== undefined ? { ageSeconds } : {}),
    });
  email = [
    await seed({ n: 1, to: "a@example.com" }, "Error: SMTP 550 mailbox unavailable", 3),
    await seed({ n: 2, to: "b@example.com" }, "TimeoutError: connect ETIMEDOUT 10.0.0.7:25", 4, 3 * DAY),
    await seed({ n: 3, to: "c@example.com" }, "Error: smtp 550 no such user\n    at send (mailer.ts:12)", 3, 40 * DAY),
    await seed({ n: 4, to: "d@example.com" }, "TimeoutError: connect ETIMEDOUT 10.0.0.8:25", 2),
    await seed({ n: 5, to: "e@example.com" }, 'ValidationError: /to must match format "email"', 1),
  ];
  sms = await deadLetterOne(db.pgmq, db.pool, "sms", "shared_dlq", {
    payload: { n: 99 },
    reason: "Error: SMTP 550 (an sms that says so)",
  });
});

const cli = (args: readonly string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.url }) =>
  runCli(["dlq", ...args], { cwd: project.dir, env, timeoutMs: 60_000 });

/** The ids a `list` table shows, in order. */
function listedIds(stdout: string): string[] {
  return stdout
    .split("\n")
    .slice(1)
    .filter((line) => /^\d+ +\d{4}-/.test(line))
    .map((line) => line.split(/\s+/)[0]!);
}

const ids = (letters: readonly SeededDeadLetter[]) => letters.map((letter) => letter.id.toString());

describe("issue 15 #2: pgmq-gen dlq list", () => {
  it("issue 15 #2: list shows the queue's dead letters only (not another queue's in the same dead-letter queue): id, when, attempts, source id, first line of the reason", async () => {
    const run = await cli(["list", "email"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id +dead-lettered +attempts +source id +reason$/);
    expect(listedIds(run.stdout)).toEqual(ids(email));
    const when = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;
    expect(lines[1]).toMatch(
      new RegExp(`^${email[0]!.id} +${when} +3 +${email[0]!.sourceId} +Error: SMTP 550 mailbox unavailable$`),
    );
    expect(lines[3]).toMatch(/ Error: smtp 550 no such user$/);
    expect(lines.at(-1)).toBe("5 dead letters of email in shared_dlq");
    const smsRun = await cli(["list", "sms"]);
    expect(listedIds(smsRun.stdout)).toEqual([sms.id.toString()]);
  });

  it("issue 15 #2: --reason matches a part of the reason, ignoring case, as written (no wildcards)", async () => {
    expect(listedIds((await cli(["list", "email", "--reason", "smtp 550"])).stdout)).toEqual(
      ids([email[0]!, email[2]!]),
    );
    expect(listedIds((await cli(["list", "email", "--reason", "etimedout"])).stdout)).toEqual(
      ids([email[1]!, email[3]!]),
    );
    const none = await cli(["list", "email", "--reason", "550%"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("no dead letters of email in shared_dlq match\n");
  });

  it("issue 15 #2: --older-than takes 90s/30m/2h/7d/1h30m forms, and more than 2^31 ms (25d) works: it is a SQL interval", async () => {
    expect(listedIds((await cli(["list", "email", "--older-than", "2d"])).stdout)).toEqual(ids([email[1]!, email[2]!]));
    expect(listedIds((await cli(["list", "email", "--older-than", "7d"])).stdout)).toEqual(ids([email[2]!]));
    expect(listedIds((await cli(["list", "email", "--older-than", "25d"])).stdout)).toEqual(ids([email[2]!]));
    expect(listedIds((await cli(["list", "email", "--older-than", "1h30m"])).stdout)).toEqual(
      ids([email[1]!, email[2]!]),
    );
    expect(listedIds((await cli(["list", "email", "--older-than", "3600"])).stdout)).toEqual(
      ids([email[1]!, email[2]!]),
    );
    const bad = await cli(["list", "email", "--older-than", "2 days"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('option --older-than: "2 days" is not a duration');
  });

  it("issue 15 #2: --id (repeatable) picks dead letters by id; another queue's id is not this queue's", async () => {
    const run = await cli([
      "list",
      "email",
      "--id",
      String(email[3]!.id),
      "--id",
      String(email[0]!.id),
      "--id",
      String(sms.id),
    ]);
    expect(listedIds(run.stdout)).toEqual(ids([email[0]!, email[3]!]));
    const bad = await cli(["list", "email", "--id", "x1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--id must be a message id (a whole number from 1), not "x1"');
  });

  it("issue 15 #2: --limit shows the lowest ids and says more match; filters combine", async () => {
    const run = await cli(["list", "email", "--limit", "2"]);
    expect(listedIds(run.stdout)).toEqual(ids(email.slice(0, 2)));
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
      "the first 2 dead letters of email in shared_dlq; more match: raise --limit or filter",
    );
    const combined = await cli(["list", "email", "--reason", "timeout", "--older-than", "1d", "--limit", "5"]);
    expect(listedIds(combined.stdout)).toEqual(ids([email[1]!]));
  });

  it("issue 15 #2: --json gives every field, ids as strings, the headers and the payload", async () => {
    const run = await cli(["list", "email", "--json", "--limit", "1"]);
    expect(run.code).toBe(0);
    const [first] = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(first).toMatchObject({
      id: String(email[0]!.id),
      attempts: 3,
      reason: "Error: SMTP 550 mailbox unavailable",
      sourceMsgId: String(email[0]!.sourceId),
      payload: { n: 1, to: "a@example.com" },
      headers: {
        trace: "trace-1",
        "x-pgmq-gen-version": 1,
        "x-pgmq-gen-dead-letter": { sourceQueue: "email", sourceMsgId: String(email[0]!.sourceId), attempts: 3 },
      },
    });
  });
});

describe("issue 15 #2: pgmq-gen dlq show", () => {
  it("issue 15 #2: show prints one dead letter: when, attempts, source id, the whole reason, headers and payload", async () => {
    const run = await cli(["show", "email", String(email[2]!.id)]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out.split("\n")[0]).toBe(`dead letter ${email[2]!.id} of email (in shared_dlq)`);
    expect(out).toMatch(/^attempts +3$/m);
    expect(out).toMatch(new RegExp(`^source id +${email[2]!.sourceId}$`, "m"));
    expect(out).toContain("reason\n  Error: smtp 550 no such user\n      at send (mailer.ts:12)\n");
    expect(out).toContain('headers\n  {\n    "trace": "trace-3",');
    expect(out).toContain('"x-pgmq-gen-dead-letter": {');
    expect(out).toContain('payload\n  {\n    "n": 3,\n    "to": "c@example.com"\n  }\n');
    const json = JSON.parse((await cli(["show", "email", String(email[2]!.id), "--json"])).stdout);
    expect(json).toMatchObject({ id: String(email[2]!.id), payload: { n: 3 }, headers: { trace: "trace-3" } });
  });

  it("issue 15 #2: show of an id that is not this queue's dead letter (another queue's, or none) exits 1", async () => {
    for (const id of [sms.id, 999_999n]) {
      const run = await cli(["show", "email", String(id)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: no dead letter ${id} of email in shared_dlq\n`);
    }
  });
});

describe("issue 15 #2: pgmq-gen dlq redrive", () => {
  it("issue 15 #2: redrive --dry-run says what would move and moves nothing", async () => {
    const run = await cli(["redrive", "email", "--dry-run", "--reason", "timeout"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "pgmq-gen dlq redrive --dry-run: would move 2 dead letters of email from shared_dlq back to email (nothing was changed):",
    );
    expect(lines[1]).toMatch(/^ {2}id +dead-lettered +attempts +source id +reason$/);
    expect(lines.slice(2).map((line) => line.trim().split(/\s+/)[0])).toEqual(ids([email[1]!, email[3]!]));
    expect(await rowsOf(db.pool, "shared_dlq")).toHaveLength(6);
    expect(await rowsOf(db.pool, "email")).toEqual([]);
  });

  it("issue 15 #2: off a terminal, redrive and purge without --yes refuse (exit 2) naming --yes, and change nothing", async () => {
    for (const action of ["redrive", "purge"]) {
      const run = await cli([action, "email"]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(
        `error: dlq ${action} changes the database, and stdin is not a terminal to ask on: pass --yes`,
      );
    }
    expect(await rowsOf(db.pool, "shared_dlq")).toHaveLength(6);
  });

  it("issue 15 #2: redrive --yes moves the matching dead letters back: new ids, visible, attempts anew (read_ct 0), payload and original headers kept, the record moved under x-pgmq-gen-redriven", async () => {
    const run = await cli(["redrive", "email", "--yes", "--reason", "ETIMEDOUT"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^pgmq-gen dlq redrive: moved 2 dead letters of email from shared_dlq back to email \(1 batch, \d+ ms\)\n$/,
    );
    const moved = await rowsOf(db.pool, "email");
    expect(moved.map((row) => row.message)).toEqual([email[1]!.payload, email[3]!.payload]);
    for (const [index, row] of moved.entries()) {
      const letter = [email[1]!, email[3]!][index]!;
      expect(row.readCt).toBe(0);
      expect(row.visible).toBe(true);
      expect(row.msgId).toBeGreaterThan(letter.sourceId);
      expect(Object.keys(row.headers!).sort()).toEqual(["trace", "x-pgmq-gen-redriven", "x-pgmq-gen-version"]);
      expect(row.headers).toMatchObject({ trace: `trace-${letter.payload.n}`, "x-pgmq-gen-version": 1 });
      const history = row.headers!["x-pgmq-gen-redriven"] as Record<string, unknown>[];
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        error: expect.stringContaining("ETIMEDOUT"),
        attempts: index === 0 ? 4 : 2,
        sourceQueue: "email",
        sourceMsgId: String(letter.sourceId),
        deadLetterQueue: "shared_dlq",
        deadLetterMsgId: String(letter.id),
      });
      expect(Date.parse(history[0]!.redrivenAt as string)).toBeGreaterThan(Date.parse(history[0]!.killedAt as string));
    }
    const left = await rowsOf(db.pool, "shared_dlq");
    expect(left.map((row) => row.msgId)).toEqual([email[0]!.id, email[2]!.id, email[4]!.id, sms.id]);
  });

  it("issue 15 #2: redrive in batches (--batch-size) moves all of the queue's dead letters, none of another queue's; a second dead-lettering and redrive appends to the history", async () => {
    const run = await cli(["redrive", "email", "--yes", "--batch-size", "2"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/moved 5 dead letters of email from shared_dlq back to email \(3 batches, \d+ ms\)/);
    expect((await rowsOf(db.pool, "shared_dlq")).map((row) => row.msgId)).toEqual([sms.id]);
    const moved = await rowsOf(db.pool, "email");
    expect(moved.map((row) => row.message.n)).toEqual([1, 2, 3, 4, 5]);

    // Killed again (as a worker does, on its first delivery) and redriven again: two entries, oldest first.
    const again = moved[0]!;
    await db.pool.query("UPDATE pgmq.q_email SET read_ct = 1 WHERE msg_id = $1", [again.msgId.toString()]);
    await db.pgmq.deadLetter("email", "shared_dlq", [{ msgId: again.msgId, reason: "Error: still 550", attempts: 1 }]);
    expect((await cli(["redrive", "email", "--yes"])).code).toBe(0);
    const back = (await rowsOf(db.pool, "email")).find((row) => row.message.n === 1)!;
    const history = back.headers!["x-pgmq-gen-redriven"] as Record<string, unknown>[];
    expect(history.map((entry) => entry.error)).toEqual(["Error: SMTP 550 mailbox unavailable", "Error: still 550"]);
    expect(back.headers).not.toHaveProperty("x-pgmq-gen-dead-letter");
    expect(back.headers).toMatchObject({ trace: "trace-1", "x-pgmq-gen-version": 1 });
  });

  it("issue 15 #2: redrive --id and --limit take only those; with nothing matching it says so and exits 0", async () => {
    const byId = await cli(["redrive", "email", "--yes", "--id", String(email[4]!.id)]);
    expect(byId.stdout).toContain("moved 1 dead letter of email");
    expect((await rowsOf(db.pool, "email")).map((row) => row.message.n)).toEqual([5]);
    const limited = await cli(["redrive", "email", "--yes", "--limit", "3", "--batch-size", "2"]);
    expect(limited.stdout).toMatch(/moved 3 dead letters of email .*\(2 batches/);
    expect((await rowsOf(db.pool, "email")).map((row) => row.message.n)).toEqual([5, 1, 2, 3]);
    const none = await cli(["redrive", "email", "--yes", "--reason", "no such reason"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("pgmq-gen dlq redrive: no dead letters of email in shared_dlq match; nothing to do\n");
  });
});

describe("issue 15 #2: pgmq-gen dlq purge", () => {
  it("issue 15 #2: purge --dry-run deletes nothing; purge --yes with filters deletes only those; purge --yes deletes the rest of the queue's, not another queue's", async () => {
    const dry = await cli(["purge", "email", "--dry-run", "--older-than", "1d"]);
    expect(dry.stdout.split("\n")[0]).toBe(
      "pgmq-gen dlq purge --dry-run: would delete 2 dead letters of email from shared_dlq (nothing was changed):",
    );
    expect(await rowsOf(db.pool, "shared_dlq")).toHaveLength(6);

    const old = await cli(["purge", "email", "--yes", "--older-than", "1d"]);
    expect(old.stdout).toMatch(
      /^pgmq-gen dlq purge: deleted 2 dead letters of email from shared_dlq \(1 batch, \d+ ms\)\n$/,
    );
    const byReason = await cli(["purge", "email", "--yes", "--reason", "validationerror"]);
    expect(byReason.stdout).toContain("deleted 1 dead letter of email");
    const byId = await cli(["purge", "email", "--yes", "--id", String(email[0]!.id)]);
    expect(byId.stdout).toContain("deleted 1 dead letter of email");
    expect((await rowsOf(db.pool, "shared_dlq")).map((row) => row.msgId)).toEqual([email[3]!.id, sms.id]);
    const rest = await cli(["purge", "email", "--yes", "--batch-size", "1"]);
    expect(rest.stdout).toContain("deleted 1 dead letter of email");
    expect((await rowsOf(db.pool, "shared_dlq")).map((row) => row.msgId)).toEqual([sms.id]);
    expect(await rowsOf(db.pool, "email")).toEqual([]);
  });
});

describe("issue 15 #2: dlq on a terminal, and mistakes", () => {
  /** Runs the command in-process as on a terminal, answering `answer` to its question. */
  async function onTerminal(args: readonly string[], answer: boolean) {
    const command = parseCommandLine(["dlq", ...args]) as DlqCommand;
    const questions: string[] = [];
    const out: string[] = [];
    const err: string[] = [];
    const confirmation: Confirmation = {
      interactive: true,
      ask: async (question) => {
        questions.push(question);
        return answer;
      },
    };
    const code = await runDlqCommand(
      { cwd: project.dir, databaseUrl: db.url, command },
      { out: (line) => out.push(line), err: (line) => err.push(line) },
      confirmation,
    );
    return { code, questions, out, err };
  }

  it("issue 15 #2: on a terminal redrive and purge ask (y/N) with the count first; no changes nothing (exit 1), yes goes ahead; --yes does not ask", async () => {
    const declined = await onTerminal(["purge", "email", "--reason", "timeout"], false);
    expect(declined.questions).toEqual(["Delete 2 dead letters of email from shared_dlq for good?"]);
    expect(declined.code).toBe(1);
    expect(declined.err).toEqual(["pgmq-gen dlq purge: not confirmed; nothing was changed"]);
    expect(await rowsOf(db.pool, "shared_dlq")).toHaveLength(6);

    const accepted = await onTerminal(["redrive", "email", "--reason", "timeout"], true);
    expect(accepted.questions).toEqual(["Move 2 dead letters of email from shared_dlq back to email?"]);
    expect(accepted.code).toBe(0);
    expect(await rowsOf(db.pool, "email")).toHaveLength(2);

    const yes = await onTerminal(["purge", "email", "--yes"], false);
    expect(yes.questions).toEqual([]);
    expect(yes.code).toBe(0);
    expect((await rowsOf(db.pool, "shared_dlq")).map((row) => row.msgId)).toEqual([sms.id]);
  });

  it.each([
    [["list", "plain"], 1, 'error: queue "plain" has no deadLetter queue in the config'],
    [["list", "nosuch"], 1, 'error: queue "nosuch" is not in the config (its queues: email, plain, sms)'],
    [["lst", "email"], 2, 'pgmq-gen: unknown dlq action "lst"; did you mean list?'],
    [["list"], 2, "pgmq-gen: dlq list <queue>: the queue is missing"],
    [["show", "email"], 2, "pgmq-gen: dlq show <queue> <id>: the id is missing"],
    [
      ["list", "email", "--dry-run"],
      2,
      "pgmq-gen: option --dry-run does not apply to dlq list; it applies to dlq redrive, dlq purge",
    ],
    [["show", "email", "1", "--reason", "x"], 2, "pgmq-gen: option --reason does not apply to dlq show"],
    [
      ["redrive", "email", "--batch-size", "0", "--yes"],
      2,
      'option --batch-size needs a whole number from 1 to 100000, not "0"',
    ],
    [["list", "Email"], 2, 'pgmq-gen: "Email" is not a queue name'],
  ] as const)("issue 15 #2: dlq %j exits %i: %s", async (args, code, message) => {
    const run = await cli(args);
    expect(run.code).toBe(code);
    expect(run.stderr).toContain(message);
    expect(await rowsOf(db.pool, "shared_dlq")).toHaveLength(6);
  });

  it("issue 15 #2: no database is a usage error (exit 2) naming --database-url and DATABASE_URL", async () => {
    const run = await cli(["list", "email"], { DATABASE_URL: "" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("pass --database-url <url> or set DATABASE_URL");
  });
});

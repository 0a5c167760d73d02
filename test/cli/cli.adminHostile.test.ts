/**
 * `pgmq-gen dlq`, `job` and `status` given hostile data and arguments
 * (issue 15 #6): a dead letter's reason written to rewrite the terminal, odd
 * tables in schema pgmq, and option values at the edges of their ranges.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine, UsageError } from "../../src/cli/commandLine.js";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { deadLetterOne, type SeededDeadLetter } from "./deadLetterSeed.js";
import { runCli } from "./runCli.js";

const db = useTestDatabase("cli_admin_hostile");

const config = { queues: { email: { schema: { type: "object" }, deadLetter: "email_dlq" } } };

/** Clears the screen, sets the window title, returns the cursor, and a C1 CSI (U+009B): none may reach the terminal. */
const EVIL = "Evil \x1b[2J\x1b]0;pwned\x07\r overwritten \u009b31m c1 \x7f";

let project: TempProject;
let evil: SeededDeadLetter;
beforeAll(async () => {
  project = await createTempProject("cli-admin-hostile", { "pgmq.config.json": JSON.stringify(config) });
  evil = await deadLetterOne(db.pgmq, db.pool, "email", "email_dlq", {
    payload: { n: 1, note: "payload \u009b2J \x1b[2J" },
    reason: EVIL,
  });
});
afterAll(() => project.remove());

const cli = (args: readonly string[]) =>
  runCli(args, { cwd: project.dir, env: { DATABASE_URL: db.url }, timeoutMs: 60_000 });

/** C0 controls but newline, DEL and C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe("issue 15 #6: no terminal control characters from the data", () => {
  it.each([
    ["dlq list", () => ["dlq", "list", "email"]],
    ["dlq list --json", () => ["dlq", "list", "email", "--json"]],
    ["dlq show", () => ["dlq", "show", "email", evil.id.toString()]],
    ["dlq show --json", () => ["dlq", "show", "email", evil.id.toString(), "--json"]],
    ["dlq purge --dry-run", () => ["dlq", "purge", "email", "--dry-run"]],
    ["job", () => ["job", "email", evil.sourceId.toString()]],
    ["job --json", () => ["job", "email", evil.sourceId.toString(), "--json"]],
  ])("issue 15 #6: %s prints a reason's and a payload's control characters escaped, never raw", async (_, args) => {
    const run = await cli(args());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(CONTROL);
    if (!args().includes("--json"))
      expect(run.stdout).toContain("Evil \\u001b[2J\\u001b]0;pwned\\u0007\\u000d overwritten \\u009b31m");
    else {
      const parsed = JSON.parse(run.stdout) as unknown;
      expect(JSON.stringify(parsed)).toContain(JSON.stringify(EVIL).slice(1, -1));
    }
  });
});

describe("issue 15 #6: status --all beside tables of schema pgmq that are not queues", () => {
  it("issue 15 #6: a pgmq.q_<name> table without PGMQ's columns is left out of --all, and the real queues are reported", async () => {
    await db.pool.query("CREATE TABLE pgmq.q_not_a_queue (msg_id bigint PRIMARY KEY, message jsonb)");
    try {
      const run = await cli(["status", "--all", "--json"]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const queues = (JSON.parse(run.stdout) as { queue: string }[]).map((status) => status.queue);
      expect(queues).toEqual(["email", "email_dlq"]);
    } finally {
      await db.pool.query("DROP TABLE pgmq.q_not_a_queue");
    }
  });

  it("issue 15 #6: a configured queue whose table lacks PGMQ's columns fails naming that queue", async () => {
    await db.pool.query("ALTER TABLE pgmq.q_email_dlq RENAME COLUMN vt TO vt_gone");
    try {
      const run = await cli(["status"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('queue "email_dlq"');
    } finally {
      await db.pool.query("ALTER TABLE pgmq.q_email_dlq RENAME COLUMN vt_gone TO vt");
    }
  });
});

describe("issue 15 #6: option values at the edges", () => {
  it("issue 15 #6: --limit takes the largest number its error message offers (2^53 - 1)", () => {
    const command = parseCommandLine(["dlq", "list", "email", "--limit", String(Number.MAX_SAFE_INTEGER)]);
    expect(command).toMatchObject({ kind: "dlq", limit: Number.MAX_SAFE_INTEGER });
  });

  it.each([
    ["--limit", "-1", /option --limit needs a whole number from 1 to \d+, not "-1"/],
    ["--batch-size", "-5", /option --batch-size needs a whole number from 1 to 100000, not "-5"/],
    ["--older-than", "-1", /option --older-than: "-1" is not a duration/],
  ])("issue 15 #6: %s %s is reported as out of range, not as a missing value", (option, value, message) => {
    const action = option === "--batch-size" ? "purge" : "list";
    expect(() => parseCommandLine(["dlq", action, "email", option, value])).toThrow(UsageError);
    expect(() => parseCommandLine(["dlq", action, "email", option, value])).toThrow(message);
  });
});

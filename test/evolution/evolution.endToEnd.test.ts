/**
 * Schema evolution end to end against PostgreSQL (issue 14, "what it must
 * show"): a team ships `email` at version 1, messages pile up (visible,
 * delayed, one mid-retry, one written by another PGMQ client), then the
 * schema gains a required field. Generate refuses and names the pointer;
 * the version is bumped with an upgrade module (the old schema written back
 * from the lock by `writePrevious`); the new worker handles every v1 and v2
 * message, upgraded, its handler seeing the current shape only, while a
 * producer not yet redeployed keeps pushing v1. Nothing is dead-lettered but
 * the one message whose upgrade throws, and that one only after its retries,
 * with the upgrade's error as the reason.
 *
 * Each phase's generated code goes to its own folder (gen-v1, gen-v2), as
 * two deploys would: the old producer and the new worker run side by side.
 */
import { afterAll, describe, expect, it } from "vitest";
import { closePool, configure } from "../../packages/runtime/src/connection.js";
import { VERSION_HEADER } from "../../packages/runtime/src/messageVersion.js";
import { queuedVersionCounts } from "../../packages/runtime/src/queuedVersions.js";
import type { JobContext, Worker } from "../../packages/runtime/src/types.js";
import { UpgradeError } from "../../packages/runtime/src/versionErrors.js";
import { CompileError } from "../../src/compiler.js";
import { runCli } from "../cli/runCli.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { createLockProject, type LockProject } from "../lock/lockProject.js";
import { queueRows, waitFor, collectWorkerEvents } from "../worker/support/workerTestQueue.js";

const db = useTestDatabase("evolution_e2e");

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** Version 1: who and what. */
const emailV1 = {
  $schema: DRAFT_07,
  title: "Email",
  type: "object",
  properties: { to: { type: "string", minLength: 3 }, subject: { type: "string" } },
  required: ["to", "subject"],
  additionalProperties: false,
};

/** Version 2: the same with a required `locale`, which every v1 message lacks. */
const emailV2 = {
  ...emailV1,
  properties: { ...emailV1.properties, locale: { type: "string", enum: ["en", "fr"] } },
  required: ["to", "subject", "locale"],
};

interface EmailJobV1 {
  to: string;
  subject: string;
}
interface EmailJob extends EmailJobV1 {
  locale: "en" | "fr";
}

/** The queue as both deploys configure it; the bump adds version, previous and upgrade. */
const emailQueue = {
  schema: "email.schema.json",
  maxRetries: 2,
  backoff: { kind: "fixed", delay: 2 },
  deadLetter: "email_dead",
};

/** The upgrade module the team writes for the bump, typed by the generated interface. */
const upgradeModule = `import type { EmailJob, EmailJobV1, EmailUpgrades } from "../gen-v2/index.js";

export default {
  from1(job: EmailJobV1): EmailJob {
    if (job.subject === "explode") throw new Error(\`no locale can be guessed for "\${job.to}"\`);
    return { ...job, locale: job.to.endsWith(".fr") ? "fr" : "en" };
  },
} satisfies EmailUpgrades;
`;

/** What a generated index.ts exports that this test uses (the import is dynamic: the files are made here). */
interface GeneratedProject {
  emailQueue: {
    push(job: unknown, options?: { delay?: number; headers?: Record<string, unknown> }): Promise<bigint>;
  };
  createWorker(
    handlers: { email: (job: never, ctx: JobContext) => unknown },
    options?: { pollInterval?: number },
  ): Worker;
}

async function importGenerated(project: LockProject, outDir: string): Promise<GeneratedProject> {
  return (await import(project.path(`${outDir}/index.ts`))) as GeneratedProject;
}

/** Writes a message straight into the queue table with no headers, as a PGMQ client in another language does. */
async function insertUnstamped(message: unknown): Promise<bigint> {
  const { rows } = await db.pool.query<{ id: string }>(
    "INSERT INTO pgmq.q_email (vt, message) VALUES (clock_timestamp(), $1::jsonb) RETURNING msg_id::text AS id",
    [JSON.stringify(message)],
  );
  return BigInt(rows[0]!.id);
}

const projects: LockProject[] = [];
afterAll(async () => {
  await closePool();
  await Promise.all(projects.map((project) => project.remove()));
});

describe("issue 14: schema evolution end to end", () => {
  it("issue 14 #4: v1 messages queued (visible, delayed, mid-retry, unstamped) survive a breaking change: generate refuses, the bump upgrades them all, a throwing upgrade is retried then dead-lettered", {
    timeout: 120_000,
  }, async () => {
    const project = await createLockProject("e2e", { email: emailQueue }, { "schemas/email.schema.json": emailV1 });
    projects.push(project);
    configure({ pool: db.pool });

    // Deploy 1: version 1 generated and its lock entry recorded.
    await project.configure({ email: emailQueue }, { outDir: "gen-v1" });
    const first = await project.generate();
    expect(first.lock?.recorded).toEqual(["email"]);
    const v1 = await importGenerated(project, "gen-v1");

    // One message mid-retry: its first attempt failed, it waits out the backoff with read_ct 1.
    const midRetry = await v1.emailQueue.push({ to: "retry@example.com", subject: "welcome" });
    const v1Worker = db.track(
      v1.createWorker(
        {
          email: () => {
            throw new Error("SMTP server down");
          },
        },
        { pollInterval: 50 },
      ),
    );
    const v1Events = collectWorkerEvents(v1Worker);
    await v1Worker.start();
    await waitFor(() => v1Events.fails.length === 1, 10_000, "the first failed attempt");
    await v1Worker.stop();
    expect(v1Events.fails[0]).toMatchObject({ msgId: midRetry, attempt: 1 });
    const [retrying] = await queueRows(db.pool, "email");
    expect(retrying).toMatchObject({ msgId: midRetry, readCt: 1 });
    expect(retrying!.visibleIn).toBeGreaterThan(0);

    // More version 1 messages: visible, delayed, one whose upgrade will throw, one from another PGMQ client.
    const visible = await v1.emailQueue.push({ to: "ada@example.com", subject: "hello" });
    const visibleFr = await v1.emailQueue.push({ to: "zoe@example.fr", subject: "bonjour" });
    const delayed = await v1.emailQueue.push({ to: "later@example.com", subject: "reminder" }, { delay: 3 });
    const explodes = await v1.emailQueue.push(
      { to: "x@example.com", subject: "explode" },
      { headers: { traceId: "t-1" } },
    );
    const unstamped = await insertUnstamped({ to: "foreign@example.com", subject: "from python" });
    expect(await queuedVersionCounts("email", { db: db.pool })).toEqual([
      { version: null, stamp: "none", count: 1 },
      { version: 1, stamp: "version", count: 5 },
    ]);

    // The schema gains a required field, version unchanged: generate refuses, names the pointer, writes nothing.
    await project.write("schemas/email.schema.json", `${JSON.stringify(emailV2, null, 2)}\n`);
    const before = await project.files();
    const errors = await project.generateErrors();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CompileError);
    const refusal = errors[0]!.message;
    expect(refusal).toContain("email.schema.json");
    expect(refusal).toContain('"email"');
    expect(refusal).toContain("/required");
    expect(refusal).toContain("version");
    expect(await project.files()).toEqual(before);

    // The bump: version 2, version 1 kept in `previous` (written back from the lock), an upgrade module.
    await project.write("upgrades/email.ts", upgradeModule);
    await project.configure(
      { email: { ...emailQueue, version: 2, previous: { 1: "email.v1.schema.json" }, upgrade: "./upgrades/email.ts" } },
      { outDir: "gen-v2" },
    );
    const bumped = await project.generate({ writePrevious: true });
    expect(bumped.lock?.previousWritten).toEqual(["schemas/email.v1.schema.json"]);
    expect(JSON.parse(await project.read("schemas/email.v1.schema.json"))).toEqual(emailV1);
    const lock = await project.lock();
    expect(lock.queues.email?.version).toBe(2);
    expect(Object.keys(lock.queues.email?.schemas ?? {})).toEqual(["1", "2"]);
    const v2 = await importGenerated(project, "gen-v2");

    // `pgmq-gen versions` sees what is queued, by version, against the new config.
    const versions = await runCli(["versions", "--config", "pgmq.config.json", "--json"], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
      timeoutMs: 60_000,
    });
    expect(versions.stderr).toBe("");
    expect(versions.code).toBe(0);
    expect(JSON.parse(versions.stdout)).toEqual([
      {
        queue: "email",
        exists: true,
        versions: [
          { version: null, stamp: "none", count: 1, status: "unstamped" },
          { version: 1, stamp: "version", count: 5, status: "previous" },
        ],
      },
      // The first worker made the dead-letter queue when it started.
      { queue: "email_dead", exists: true, versions: [] },
    ]);
    const table = await runCli(["versions", "--config", "pgmq.config.json"], {
      cwd: project.dir,
      env: { DATABASE_URL: db.url },
      timeoutMs: 60_000,
    });
    expect(table.code).toBe(0);
    expect(table.stdout.trimEnd().split("\n")).toEqual([
      "queue       version  messages  status",
      "email       (none)   1         no stamp: tried against each version, newest first",
      "email       1        5         previous: may leave `previous` once 0",
      "email_dead  -        0         empty",
    ]);

    // Deploy 2: the new worker; the new producer stamps version 2, the old one still pushes version 1.
    const current = await v2.emailQueue.push({ to: "new@example.com", subject: "hi", locale: "fr" });
    const [currentRow] = (await queueRows(db.pool, "email")).filter((row) => row.msgId === current);
    expect(currentRow?.headers).toEqual({ [VERSION_HEADER]: 2 });

    const handled = new Map<bigint, { job: EmailJob; attempt: number }>();
    const v2Worker = db.track(
      v2.createWorker(
        {
          email: (job: EmailJob, ctx: JobContext) => {
            handled.set(ctx.msgId, { job, attempt: ctx.attempt });
          },
        },
        { pollInterval: 50 },
      ),
    );
    const events = collectWorkerEvents(v2Worker);
    await v2Worker.start();
    const late = await v1.emailQueue.push({ to: "late@example.com", subject: "still v1" });

    const expected = new Map<bigint, EmailJob>([
      [midRetry, { to: "retry@example.com", subject: "welcome", locale: "en" }],
      [visible, { to: "ada@example.com", subject: "hello", locale: "en" }],
      [visibleFr, { to: "zoe@example.fr", subject: "bonjour", locale: "fr" }],
      [delayed, { to: "later@example.com", subject: "reminder", locale: "en" }],
      [unstamped, { to: "foreign@example.com", subject: "from python", locale: "en" }],
      [current, { to: "new@example.com", subject: "hi", locale: "fr" }],
      [late, { to: "late@example.com", subject: "still v1", locale: "en" }],
    ]);
    await waitFor(
      () => events.completes.length === expected.size && events.kills.length === 1,
      30_000,
      `${expected.size} completions and one kill`,
    );
    await v2Worker.stop();

    // Every v1 and v2 message reached the handler in the current shape, upgraded where it was v1.
    expect(new Map([...handled].map(([id, { job }]) => [id, job]))).toEqual(expected);
    expect(handled.get(midRetry)?.attempt).toBe(2);
    expect(events.errors).toEqual([]);

    // Only the throwing upgrade failed: attempts 1 and 2 retried, the third dead-lettered with its error.
    expect(events.fails.map((fail) => [fail.msgId, fail.attempt])).toEqual([
      [explodes, 1],
      [explodes, 2],
    ]);
    for (const fail of events.fails) expect(fail.error).toBeInstanceOf(UpgradeError);
    expect(events.kills).toHaveLength(1);
    const kill = events.kills[0]!;
    expect(kill).toMatchObject({ msgId: explodes, attempt: 3, deadLetter: "email_dead" });
    expect(kill.reason).toContain('no locale can be guessed for "x@example.com"');
    expect(kill.reason).toContain("upgrades.from1 (version 1 to 2)");

    const deadLetters = await queueRows(db.pool, "email_dead");
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]!.message).toEqual({ to: "x@example.com", subject: "explode" });
    expect(deadLetters[0]!.headers).toMatchObject({ [VERSION_HEADER]: 1, traceId: "t-1" });
    expect(deadLetters[0]!.headers!["x-pgmq-gen-dead-letter"]).toMatchObject({ error: kill.reason, attempts: 3 });

    // The queue is empty, the handled messages archived, no version left: version 1 may now leave `previous`.
    expect(await queueRows(db.pool, "email")).toEqual([]);
    expect(await queuedVersionCounts("email", { db: db.pool })).toEqual([]);
    const { rows: archived } = await db.pool.query<{ id: string }>(
      "SELECT msg_id::text AS id FROM pgmq.a_email ORDER BY msg_id",
    );
    expect(archived.map((row) => BigInt(row.id))).toEqual([...expected.keys()].sort((a, b) => Number(a - b)));
  });
});

/**
 * A worker on a versioned queue (issue 14 §3): messages of an older schema
 * version, stamped or not, are upgraded before the handler sees them; an
 * upgrade that fails (or a version newer than the worker's) fails the
 * attempt like a throwing handler, retried and then dead-lettered with the
 * upgrade's error as the reason; a message that does not match its own
 * version's schema is killed at once, as an undecodable one is.
 */
import { describe, expect, it } from "vitest";
import { createQueueCodec } from "../../packages/runtime/src/codec.js";
import { VERSION_HEADER } from "../../packages/runtime/src/messageVersion.js";
import type { CompiledValidator, JobContext, QueueDefinition, QueueOptions } from "../../packages/runtime/src/types.js";
import { NewerVersionError, UpgradeError } from "../../packages/runtime/src/versionErrors.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import { recordingLogger } from "../logging/support/recordingLogger.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { compileValidator } from "../runtime/support.js";
import { defaultTestQueueOptions, queueRows, waitFor, collectWorkerEvents } from "./support/workerTestQueue.js";

const db = useTestDatabase("worker_versions");

/** Version 1 of the signup email: one name. */
interface SignupEmailJobV1 {
  email: string;
  name: string;
}
/** Version 2, the current one: the name split. */
interface SignupEmailJob {
  email: string;
  firstName: string;
  lastName: string;
}

/** The generated interface's shape: one step per older version. */
interface SignupEmailUpgrades {
  from1(job: SignupEmailJobV1): SignupEmailJob;
}

const schemaV1 = {
  type: "object",
  required: ["email", "name"],
  properties: { email: { type: "string" }, name: { type: "string", minLength: 1 } },
  additionalProperties: false,
};
const schemaV2 = {
  type: "object",
  required: ["email", "firstName", "lastName"],
  properties: { email: { type: "string" }, firstName: { type: "string" }, lastName: { type: "string" } },
  additionalProperties: false,
};

const splitName: SignupEmailUpgrades = {
  from1(job) {
    const [firstName = "", ...rest] = job.name.split(" ");
    return { email: job.email, firstName, lastName: rest.join(" ") };
  },
};

function signupQueue(
  name: string,
  upgrades: SignupEmailUpgrades,
  options: Partial<QueueOptions> = {},
): QueueDefinition<string, SignupEmailJob> {
  return {
    name,
    options: { ...defaultTestQueueOptions, ...options },
    codec: createQueueCodec<SignupEmailJob>({
      queue: name,
      validator: compileValidator(schemaV2),
      version: 2,
      previousVersions: [{ version: 1, validator: compileValidator(schemaV1) as CompiledValidator }],
      upgrades,
    }),
  };
}

/** Writes a message with these headers, as a producer at another version (or another PGMQ client) would. */
async function insert(queue: string, message: unknown, headers: Record<string, unknown> | null): Promise<bigint> {
  const { rows } = await db.pool.query<{ id: string }>(
    `INSERT INTO pgmq.q_${queue} (vt, message, headers) VALUES (clock_timestamp(), $1::jsonb, $2::jsonb)
     RETURNING msg_id::text AS id`,
    [JSON.stringify(message), headers === null ? null : JSON.stringify(headers)],
  );
  return BigInt(rows[0]!.id);
}

describe("issue 14 #3: a worker on a versioned queue", () => {
  it("issue 14 #3: v1 stamped, unstamped v1-shaped and v2 messages all reach the handler as v2 jobs; ctx.headers keeps the stamp", async () => {
    const name = "signup_email";
    const definition = signupQueue(name, splitName);
    await db.pgmq.ensureQueue(name);
    const stampedV1 = await insert(name, { email: "a@example.com", name: "Ada King" }, { [VERSION_HEADER]: 1 });
    const unstamped = await insert(name, { email: "b@example.com", name: "Bob Stone" }, null);
    const v2Job = { email: "c@example.com", firstName: "Cy", lastName: "Young" };
    const stampedV2 = await db.pgmq.send(name, v2Job, { headers: { [VERSION_HEADER]: 2, traceId: "t" } });

    const seen = new Map<bigint, { job: SignupEmailJob; headers: JobContext["headers"] }>();
    const worker = db.track(
      createQueueWorker(
        { [name]: definition },
        { [name]: (job: SignupEmailJob, ctx: JobContext) => void seen.set(ctx.msgId, { job, headers: ctx.headers }) },
        { pool: db.pool, pollInterval: 50 },
      ),
    );
    const { completes, kills, fails, errors } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => completes.length === 3, 10_000, "3 completions");

    expect(seen.get(stampedV1)).toEqual({
      job: { email: "a@example.com", firstName: "Ada", lastName: "King" },
      headers: { [VERSION_HEADER]: 1 },
    });
    expect(seen.get(unstamped)).toEqual({
      job: { email: "b@example.com", firstName: "Bob", lastName: "Stone" },
      headers: null,
    });
    expect(seen.get(stampedV2)).toEqual({ job: v2Job, headers: { [VERSION_HEADER]: 2, traceId: "t" } });
    expect([kills, fails, errors]).toEqual([[], [], []]);
  });

  it("issue 14 #3: an upgrade that throws fails the attempt: retried with the backoff (read_ct grows), then dead-lettered with the upgrade's message", async () => {
    const name = "upgrade_throws";
    const dlq = "upgrade_throws_dlq";
    const broken: SignupEmailUpgrades = {
      from1(job) {
        if (!job.name.includes(" ")) throw new Error(`cannot split "${job.name}"`);
        return splitName.from1(job);
      },
    };
    const definition = signupQueue(name, broken, {
      maxRetries: 2,
      // Long enough that each failure's read_ct is read before the next delivery.
      backoff: { kind: "fixed", delay: 0.5 },
      deadLetter: dlq,
    });
    await db.pgmq.ensureQueue(name);
    await db.pgmq.ensureQueue(dlq);
    const id = await insert(name, { email: "a@example.com", name: "Plato" }, { [VERSION_HEADER]: 1, traceId: "t" });

    const logger = recordingLogger();
    let handled = 0;
    const worker = db.track(
      createQueueWorker(
        { [name]: definition },
        { [name]: () => void handled++ },
        { pool: db.pool, pollInterval: 50, logger },
      ),
    );
    const { fails, kills, errors } = collectWorkerEvents(worker);
    const readCts: number[] = [];
    worker.on("job:fail", () => {
      void queueRows(db.pool, name).then((rows) => readCts.push(rows[0]?.readCt ?? -1));
    });
    await worker.start();
    await waitFor(() => kills.length === 1, 10_000, "the kill");

    expect(handled).toBe(0);
    expect(fails.map((fail) => [fail.msgId, fail.attempt, fail.retryInSeconds])).toEqual([
      [id, 1, 0.5],
      [id, 2, 0.5],
    ]);
    for (const fail of fails) {
      expect(fail.error).toBeInstanceOf(UpgradeError);
      expect(fail.error).toMatchObject({ msgId: id, step: "from1", fromVersion: 1, toVersion: 2 });
    }
    expect(readCts).toEqual([1, 2]);
    const kill = kills[0]!;
    expect(kill).toMatchObject({ msgId: id, attempt: 3, deadLetter: dlq });
    expect(kill.error).toBeInstanceOf(UpgradeError);
    expect(kill.reason).toBe(
      `failed on its last attempt (3 of 3): ${name} message ${id}: upgrading the message from version 1 to 2 failed ` +
        'at upgrades.from1 (version 1 to 2): it threw: cannot split "Plato". Fix the upgrade and redeploy the ' +
        "workers: the message is retried until its attempts run out",
    );
    const [dead] = await queueRows(db.pool, dlq);
    expect(dead!.message).toEqual({ email: "a@example.com", name: "Plato" });
    expect(dead!.headers).toMatchObject({ [VERSION_HEADER]: 1, traceId: "t" });
    expect(dead!.headers!["x-pgmq-gen-dead-letter"]).toMatchObject({ error: kill.reason, attempts: 3 });
    expect(await queueRows(db.pool, name)).toEqual([]);

    // Each failed attempt is logged as a handler's failure is, then the kill.
    const lines = logger.entries.filter(
      (entry) => entry.fields.event === "job:fail" || entry.fields.event === "job:kill",
    );
    expect(lines.map((entry) => [entry.level, entry.fields.event, entry.fields.attempt])).toEqual([
      ["warn", "job:fail", 1],
      ["warn", "job:fail", 2],
      ["error", "job:kill", 3],
    ]);
    expect(lines[0]!.message).toContain(`${name} message ${id} failed (attempt 1 of 3): `);
    expect(lines[0]!.message).toContain('upgrades.from1 (version 1 to 2): it threw: cannot split "Plato"');
    expect(errors).toEqual([]);
  });

  it("issue 14 #3: a message invalid under its own version's schema is killed at once, the reason naming the version", async () => {
    const name = "own_version_invalid";
    const dlq = "own_version_invalid_dlq";
    await db.pgmq.ensureQueue(name);
    await db.pgmq.ensureQueue(dlq);
    // Version 2's shape, stamped version 1: version 1's schema rejects it, whatever version 2 thinks.
    const id = await insert(
      name,
      { email: "a@example.com", firstName: "Ada", lastName: "King" },
      { [VERSION_HEADER]: 1 },
    );
    let handled = 0;
    const worker = db.track(
      createQueueWorker(
        { [name]: signupQueue(name, splitName, { maxRetries: 5, deadLetter: dlq }) },
        { [name]: () => void handled++ },
        { pool: db.pool, pollInterval: 50 },
      ),
    );
    const { fails, kills } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => kills.length === 1, 10_000, "the kill");
    expect(handled).toBe(0);
    expect(fails).toEqual([]);
    expect(kills[0]).toMatchObject({ msgId: id, attempt: 1, deadLetter: dlq });
    expect((kills[0]!.error as Error).name).toBe("DecodeError");
    expect(kills[0]!.reason).toMatch(
      new RegExp(
        `^${name} message ${id}: stored message does not match the schema of version 1, the version it is stamped ` +
          "with \\(x-pgmq-gen-version\\): \\(root\\) must have required property 'name'",
      ),
    );
  });

  it("issue 14 #3: a message stamped newer than the worker that its schema rejects is retried, then killed naming both versions", async () => {
    const name = "newer_version";
    await db.pgmq.ensureQueue(name);
    const id = await insert(name, { email: "a@example.com", fullName: "Ada King" }, { [VERSION_HEADER]: 3 });
    const worker = db.track(
      createQueueWorker(
        { [name]: signupQueue(name, splitName, { maxRetries: 1, backoff: { kind: "fixed", delay: 0.1 } }) },
        { [name]: () => {} },
        { pool: db.pool, pollInterval: 50 },
      ),
    );
    const { fails, kills } = collectWorkerEvents(worker);
    await worker.start();
    await waitFor(() => kills.length === 1, 10_000, "the kill");
    expect(fails.map((fail) => [fail.msgId, fail.attempt])).toEqual([[id, 1]]);
    expect(fails[0]!.error).toBeInstanceOf(NewerVersionError);
    expect(kills[0]).toMatchObject({ msgId: id, attempt: 2, deadLetter: null });
    expect(kills[0]!.reason).toContain(
      "failed on its last attempt (2 of 2): newer_version message " +
        `${id}: stamped version 3 (header x-pgmq-gen-version) is newer than this worker's version 2`,
    );
    expect(kills[0]!.reason).toContain("Deploy the workers first");
  });
});

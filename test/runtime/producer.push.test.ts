import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../src/runtime/connection.js";
import { QueueMissingError, ValidationError } from "../../src/runtime/errors.js";
import { createProducer } from "../../src/runtime/producer.js";
import { ensureQueues } from "../../src/runtime/queueSetup.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { type EmailJob, emailDefinition, queueRows, tableExists } from "./support.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("producer_push");
  configure({ pool: db.pool });
});
afterAll(async () => {
  await db.drop();
});

const valid: EmailJob = { to: "a@example.com", subject: "hello" };

describe("createProducer: push", () => {
  it("validates, creates the queue on first use, sends and returns the id", async () => {
    const producer = createProducer(emailDefinition("email"));
    expect(producer.queue).toBe("email");
    const id = await producer.push(valid, { headers: { traceId: "t" } });
    const rows = await queueRows(db.pool, "email");
    expect(rows.map((row) => [row.msg_id, row.message, row.headers])).toEqual([[id, valid, { traceId: "t" }]]);
  });

  it("sends nothing for an invalid job and says which pointer failed", async () => {
    const producer = createProducer(emailDefinition("email_invalid"));
    const push = producer.push({ to: "not an email", subject: "s" });
    await expect(push).rejects.toBeInstanceOf(ValidationError);
    await expect(push).rejects.toThrow('email_invalid: invalid job: /to must match format "email"');
    expect(await tableExists(db.pool, "pgmq.q_email_invalid")).toBe(false);
  });

  it("stores what the transform encodes", async () => {
    const producer = createProducer(
      emailDefinition("email_transformed", {
        encode: (payload) => ({ version: 2, payload }),
        decode: (stored) => stored,
      }),
    );
    await producer.push(valid);
    const [row] = await queueRows(db.pool, "email_transformed");
    expect(row!.message).toEqual({ version: 2, payload: valid });
  });

  it("delays by seconds or until a Date", async () => {
    const producer = createProducer(emailDefinition("email_delayed"));
    const at = new Date(Date.now() + 600_000);
    await producer.push(valid, { delay: 30 });
    await producer.push(valid, { delay: at });
    const rows = await queueRows(db.pool, "email_delayed");
    expect(rows[0]!.vt.getTime() - rows[0]!.enqueued_at.getTime()).toBeGreaterThan(29_000);
    expect(rows[1]!.vt.getTime()).toBe(at.getTime());
  });

  it("commits or rolls back with the caller's transaction, even on the queue's first push", async () => {
    const producer = createProducer(emailDefinition("email_tx"));
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await producer.push({ ...valid, subject: "rolled back" }, { client });
      await client.query("ROLLBACK");
      // The queue was created outside the caller's transaction, so it outlives the rollback.
      expect(await queueRows(db.pool, "email_tx")).toEqual([]);

      await client.query("BEGIN");
      const id = await producer.push({ ...valid, subject: "committed" }, { client });
      expect(await queueRows(db.pool, "email_tx")).toEqual([]);
      await client.query("COMMIT");
      const rows = await queueRows(db.pool, "email_tx");
      expect(rows.map((row) => [row.msg_id, (row.message as EmailJob).subject])).toEqual([[id, "committed"]]);
    } finally {
      client.release();
    }
  });

  it("stores SQL-looking job values as data", async () => {
    const producer = createProducer(emailDefinition("email_nasty"));
    const subject = "'); DROP SCHEMA pgmq CASCADE; --";
    await producer.push({ ...valid, subject }, { headers: { "x'); --": subject } });
    const [row] = await queueRows(db.pool, "email_nasty");
    expect(row!.message).toEqual({ ...valid, subject });
    expect(row!.headers).toEqual({ "x'); --": subject });
  });
});

describe("createProducer: pushBatch", () => {
  it("sends all jobs in one go, ids in order", async () => {
    const producer = createProducer(emailDefinition("batch"));
    const jobs = Array.from({ length: 20 }, (_, index) => ({ ...valid, subject: `s${index}` }));
    const ids = await producer.pushBatch(jobs, { headers: { batch: true } });
    const rows = await queueRows(db.pool, "batch");
    expect(rows.map((row) => row.msg_id)).toEqual(ids);
    expect(rows.map((row) => (row.message as EmailJob).subject)).toEqual(jobs.map((job) => job.subject));
  });

  it("is all or none: one invalid job sends none, and the error names each failing job", async () => {
    const producer = createProducer(emailDefinition("batch_invalid"));
    await producer.pushBatch([valid]);
    const push = producer.pushBatch([valid, { to: "x", subject: "s" }, valid, { to: "b@example.com" } as EmailJob]);
    await expect(push).rejects.toBeInstanceOf(ValidationError);
    const error = (await push.catch((caught: unknown) => caught)) as ValidationError;
    expect(error.jobs.map((job) => job.index)).toEqual([1, 3]);
    expect(error.issues.map((issue) => issue.pointer)).toEqual(["/1/to", "/3/subject"]);
    expect(error.message).toContain("job 1: /to must match format");
    expect(error.message).toContain("job 3: (root) must have required property 'subject'");
    expect(await queueRows(db.pool, "batch_invalid")).toHaveLength(1);
  });

  it("returns [] for no jobs", async () => {
    expect(await createProducer(emailDefinition("batch_empty")).pushBatch([])).toEqual([]);
  });

  it("rolls back with the caller's transaction", async () => {
    const producer = createProducer(emailDefinition("batch_tx"));
    const client = await db.pool.connect();
    try {
      await client.query("BEGIN");
      await producer.pushBatch([valid, valid], { client });
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect(await queueRows(db.pool, "batch_tx")).toEqual([]);
  });
});

describe("createProducer with autoCreate off", () => {
  it("throws QueueMissingError naming the queue and creates nothing", async () => {
    configure({ autoCreate: false });
    try {
      const producer = createProducer(emailDefinition("not_migrated"));
      const push = producer.push(valid);
      await expect(push).rejects.toBeInstanceOf(QueueMissingError);
      await expect(push).rejects.toThrow(/"not_migrated".*pgmq-gen migrate/);
      await expect(producer.pushBatch([valid])).rejects.toBeInstanceOf(QueueMissingError);
      expect(await tableExists(db.pool, "pgmq.q_not_migrated")).toBe(false);

      await ensureQueues(db.pool, ["not_migrated"]);
      const id = await producer.push(valid);
      expect((await queueRows(db.pool, "not_migrated")).map((row) => row.msg_id)).toEqual([id]);
    } finally {
      configure({ autoCreate: true });
    }
  });
});

describe("createProducer with a dead-letter queue", () => {
  it("creates the dead-letter queue with the queue on first push", async () => {
    const definition = emailDefinition("with_dlq");
    const producer = createProducer({ ...definition, options: { ...definition.options, deadLetter: "with_dlq_dead" } });
    await producer.push(valid);
    expect(await tableExists(db.pool, "pgmq.q_with_dlq")).toBe(true);
    expect(await tableExists(db.pool, "pgmq.q_with_dlq_dead")).toBe(true);
    expect(await queueRows(db.pool, "with_dlq_dead")).toEqual([]);
  });
});

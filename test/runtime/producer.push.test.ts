import { beforeAll, describe, expect, it } from "vitest";
import { configure } from "../../packages/runtime/src/connection.js";
import { QueueMissingError, ValidationError } from "../../packages/runtime/src/errors.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import { ensureQueues } from "../../packages/runtime/src/queueSetup.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { createQueueCodec } from "../../packages/runtime/src/codec.js";
import type { JsonValue, QueueDefinition } from "../../packages/runtime/src/types.js";
import {
  compileValidator,
  defaultQueueOptions,
  type EmailJob,
  emailDefinition,
  queueRows,
  tableExists,
} from "./support.js";

const db = useTestDatabase("producer_push");
beforeAll(async () => {
  configure({ pool: db.pool });
});

const valid: EmailJob = { to: "a@example.com", subject: "hello" };

describe("createProducer: push", () => {
  it("validates, creates the queue on first use, sends and returns the id", async () => {
    const producer = createProducer(emailDefinition("email"));
    expect(producer.queue).toBe("email");
    const id = await producer.push(valid, { headers: { traceId: "t" } });
    const rows = await queueRows(db.pool, "email");
    expect(rows.map((row) => [row.msg_id, row.message, row.headers])).toEqual([
      [id, valid, { traceId: "t", "x-pgmq-gen-version": 1 }],
    ]);
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
    expect(row!.headers).toEqual({ "x'); --": subject, "x-pgmq-gen-version": 1 });
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

/** A queue whose schema holds a price object `{ amount }` and nothing else, and an optional `sendAt` date-time. */
interface PricedJob {
  price: unknown;
  sendAt?: unknown;
}
const pricedSchema = {
  type: "object",
  required: ["price"],
  properties: {
    price: {
      type: "object",
      required: ["amount"],
      properties: { amount: { type: "number" } },
      additionalProperties: false,
    },
    sendAt: { type: "string", format: "date-time" },
  },
  additionalProperties: false,
};
function pricedDefinition(name: string): QueueDefinition<string, PricedJob> {
  return {
    name,
    options: defaultQueueOptions,
    codec: createQueueCodec<PricedJob>({ queue: name, validator: compileValidator(pricedSchema) }),
  };
}

/** A queue that takes any JSON object (no schema constraints below the root). */
function anyObjectDefinition(name: string): QueueDefinition<string, Record<string, unknown>> {
  return {
    name,
    options: defaultQueueOptions,
    codec: createQueueCodec<Record<string, unknown>>({ queue: name, validator: compileValidator({ type: "object" }) }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

describe("createProducer: what is stored is what was validated", () => {
  it("round two #1: a payload whose toJSON adds a field the schema forbids is rejected at push, naming the pointer, and nothing is sent", async () => {
    class Money {
      constructor(readonly amount: number) {}
      toJSON() {
        return { amount: this.amount, currency: "EUR" };
      }
    }
    const producer = createProducer(pricedDefinition("tojson_invalid"));
    const error = await rejection(producer.push({ price: new Money(5) }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.pointer)).toEqual(["/price/currency"]);
    expect((error as ValidationError).message).toContain("/price must NOT have additional property 'currency'");
    const batchError = await rejection(producer.pushBatch([{ price: { amount: 1 } }, { price: new Money(5) }]));
    expect((batchError as ValidationError).issues.map((issue) => issue.pointer)).toEqual(["/1/price/currency"]);
    expect(await tableExists(db.pool, "pgmq.q_tojson_invalid")).toBe(false);
  });

  it("round two #1: a payload whose toJSON gives a valid value is stored exactly as validated (Date as its ISO string)", async () => {
    class Money {
      // Not part of the JSON form: validating the object itself would fail additionalProperties.
      readonly cache = { formatted: "5,00 €" };
      constructor(readonly amount: number) {}
      toJSON() {
        return { amount: this.amount };
      }
    }
    const at = new Date("2030-01-02T03:04:05.678Z");
    const producer = createProducer(pricedDefinition("tojson_valid"));
    await producer.push({ price: new Money(5), sendAt: at });
    await producer.pushBatch([{ price: new Money(6) }]);
    const rows = await queueRows(db.pool, "tojson_valid");
    expect(rows.map((row) => row.message)).toEqual([
      { price: { amount: 5 }, sendAt: "2030-01-02T03:04:05.678Z" },
      { price: { amount: 6 } },
    ]);
  });

  it("round two #1: with a transform, the transform sees the validated JSON value and its output is stored as JSON", async () => {
    const seen: unknown[] = [];
    const producer = createProducer(
      emailDefinition("tojson_transformed", {
        encode: (payload) => {
          seen.push(payload);
          return { v: 1, payload, at: new Date("2030-01-01T00:00:00.000Z") as unknown as JsonValue };
        },
        decode: (stored) => (stored as { payload: JsonValue }).payload,
      }),
    );
    const job = { to: "a@example.com", subject: "s", body: undefined } as EmailJob;
    await producer.push(job);
    expect(seen).toEqual([{ to: "a@example.com", subject: "s" }]);
    expect(Object.keys(seen[0] as object)).toEqual(["to", "subject"]);
    const [row] = await queueRows(db.pool, "tojson_transformed");
    expect(row!.message).toEqual({
      v: 1,
      payload: { to: "a@example.com", subject: "s" },
      at: "2030-01-01T00:00:00.000Z",
    });
  });
});

describe("createProducer: values JSON or PostgreSQL cannot store are refused before anything is sent", () => {
  it("round two #18: NUL and lone surrogates in a payload's strings or keys give a ValidationError with the pointer", async () => {
    const producer = createProducer(anyObjectDefinition("bad_strings"));
    const nul = (await rejection(producer.push({ note: "a\u0000b" }))) as ValidationError;
    expect(nul).toBeInstanceOf(ValidationError);
    expect(nul.issues.map((issue) => issue.pointer)).toEqual(["/note"]);
    expect(nul.message).toMatch(/\/note .*U\+0000/);

    const surrogate = (await rejection(producer.push({ list: ["ok", "\ud800x"] }))) as ValidationError;
    expect(surrogate).toBeInstanceOf(ValidationError);
    expect(surrogate.issues.map((issue) => issue.pointer)).toEqual(["/list/1"]);
    expect(surrogate.message).toMatch(/lone UTF-16 surrogate/);

    const key = (await rejection(producer.push({ inner: { "k\u0000": 1, "\udc00": 2 } }))) as ValidationError;
    expect(key).toBeInstanceOf(ValidationError);
    expect(key.issues.map((issue) => issue.pointer)).toEqual(["/inner", "/inner"]);
    // The message names the key escaped: it never carries the NUL or the surrogate itself.
    expect(key.message).toContain('"k\\u0000"');
    expect(key.message).toContain('"\\udc00"');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the message must not carry the NUL it reports.
    expect(key.message).not.toMatch(/[\u0000\ud800-\udfff]/);

    // A well-formed pair and a literal backslash-u text are fine.
    await producer.push({ emoji: "\ud83d\ude00", text: "\\u0000" });
    const rows = await queueRows(db.pool, "bad_strings");
    expect(rows.map((row) => row.message)).toEqual([{ emoji: "\ud83d\ude00", text: "\\u0000" }]);
  });

  it("round two #18: pushBatch names the job index of a NUL, and sends none of the batch", async () => {
    const producer = createProducer(anyObjectDefinition("bad_strings_batch"));
    const error = (await rejection(
      producer.pushBatch([{ a: "ok" }, { a: "x\u0000" }, { a: "ok" }]),
    )) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.jobs.map((job) => job.index)).toEqual([1]);
    expect(error.issues.map((issue) => issue.pointer)).toEqual(["/1/a"]);
    expect(await tableExists(db.pool, "pgmq.q_bad_strings_batch")).toBe(false);
  });

  it("round two #18: a BigInt gives a ValidationError with its pointer, not a raw TypeError", async () => {
    const producer = createProducer(anyObjectDefinition("bad_bigint"));
    const error = (await rejection(producer.push({ n: { id: 12n } }))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((issue) => issue.pointer)).toEqual(["/n/id"]);
    expect(error.message).toMatch(/BigInt/);
    const batch = (await rejection(producer.pushBatch([{ n: 1 }, { n: 2n }]))) as ValidationError;
    expect(batch.issues.map((issue) => issue.pointer)).toEqual(["/1/n"]);
    expect(await tableExists(db.pool, "pgmq.q_bad_bigint")).toBe(false);
  });

  it("round two #18: 5,000 levels of nesting give a ValidationError stating the limit, not a RangeError", async () => {
    const producer = createProducer(anyObjectDefinition("too_deep"));
    for (const depth of [1_200, 5_000, 100_000]) {
      const error = await rejection(producer.push({ deep: nested(depth) }));
      expect(error, `depth ${depth}`).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(/deeper than 1000 /);
    }
    // A circular payload is a ValidationError too.
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const error = (await rejection(producer.push(circular))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((issue) => issue.pointer)).toEqual(["/self"]);
    expect(await tableExists(db.pool, "pgmq.q_too_deep")).toBe(false);
    // The limit itself is accepted: the root object plus 999 arrays.
    await producer.push({ deep: nested(999) });
    expect(await queueRows(db.pool, "too_deep")).toHaveLength(1);
  });

  it("round two #18: headers get the same checks, with pointers like headers/x", async () => {
    const producer = createProducer(emailDefinition("bad_headers"));
    const nul = (await rejection(producer.push(valid, { headers: { x: "a\u0000" } }))) as ValidationError;
    expect(nul).toBeInstanceOf(ValidationError);
    expect(nul.issues.map((issue) => issue.pointer)).toEqual(["headers/x"]);
    const surrogate = (await rejection(
      producer.pushBatch([valid], { headers: { trace: ["\udfff"] } }),
    )) as ValidationError;
    expect(surrogate.issues.map((issue) => issue.pointer)).toEqual(["headers/trace/0"]);
    const bigint = (await rejection(producer.push(valid, { headers: { id: 1n } as never }))) as ValidationError;
    expect(bigint.issues.map((issue) => issue.pointer)).toEqual(["headers/id"]);
    const deep = (await rejection(producer.push(valid, { headers: { d: nested(5_000) } as never }))) as ValidationError;
    expect(deep).toBeInstanceOf(ValidationError);
    expect(await tableExists(db.pool, "pgmq.q_bad_headers")).toBe(false);
  });

  it("round two #18: a delay past PostgreSQL's timestamptz range, or a Date before 4713 BC, is a RangeError", async () => {
    const producer = createProducer(emailDefinition("bad_delay_range"));
    await producer.push(valid);
    const beforeRange = new Date(Date.UTC(-4713, 10, 23, 23, 59, 59));
    for (const delay of [1e15, 9.3e12, beforeRange, new Date(-8.64e15)]) {
      const error = await rejection(producer.push(valid, { delay }));
      expect(error, String(delay)).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/^delay: /);
      const batch = await rejection(producer.pushBatch([valid], { delay }));
      expect(batch, String(delay)).toBeInstanceOf(RangeError);
    }
    const fresh = createProducer(emailDefinition("bad_delay_fresh"));
    expect(await rejection(fresh.push(valid, { delay: 1e15 }))).toBeInstanceOf(RangeError);
    expect(await tableExists(db.pool, "pgmq.q_bad_delay_fresh")).toBe(false);
    // A day after PostgreSQL's first moment (4714-11-24 BC, proleptic Gregorian) is a valid delay: visible at once.
    const first = new Date(Date.UTC(-4713, 10, 25));
    await producer.push(valid, { delay: first });
    const rows = await queueRows(db.pool, "bad_delay_range");
    expect(rows).toHaveLength(2);
    expect(rows[1]!.vt.getTime()).toBe(first.getTime());
  });
});

describe("createProducer: batch slots and headers are what they claim", () => {
  it("round two #19: a sparse array is refused, naming the hole's index, and nothing is sent", async () => {
    const producer = createProducer(emailDefinition("sparse_batch"));
    // eslint-disable-next-line no-sparse-arrays
    // biome-ignore lint/suspicious/noSparseArray: a hole in the batch is what this test pushes.
    const jobs: EmailJob[] = [, valid] as EmailJob[];
    const error = (await rejection(producer.pushBatch(jobs))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.jobs.map((job) => job.index)).toEqual([0]);
    expect(error.message).toMatch(/job 0: .*hole/);
    const longer = new Array<EmailJob>(3);
    longer[1] = valid;
    const many = (await rejection(producer.pushBatch(longer))) as ValidationError;
    expect(many.jobs.map((job) => job.index)).toEqual([0, 2]);
    expect(await tableExists(db.pool, "pgmq.q_sparse_batch")).toBe(false);
  });

  it("round two #19: headers that are not a JSON object are refused; null means no headers (the version stamp alone)", async () => {
    const producer = createProducer(emailDefinition("bad_header_kinds"));
    for (const headers of ["text", 5, [1, 2], true, new Date(0)]) {
      const error = await rejection(producer.push(valid, { headers: headers as never }));
      expect(error, JSON.stringify(headers)).toBeInstanceOf(ValidationError);
      expect((error as Error).message, JSON.stringify(headers)).toMatch(/headers must be a JSON object/);
      expect(await rejection(producer.pushBatch([valid], { headers: headers as never }))).toBeInstanceOf(
        ValidationError,
      );
    }
    expect(await tableExists(db.pool, "pgmq.q_bad_header_kinds")).toBe(false);
    await producer.push(valid, { headers: null as never });
    const [row] = await queueRows(db.pool, "bad_header_kinds");
    expect(row!.headers).toEqual({ "x-pgmq-gen-version": 1 });
  });
});

describe("createProducer: pushBatch errors stay readable whatever the batch", () => {
  it("round two (hostile) #9: a transform's encode that throws names the queue and the job index, the original kept as cause", async () => {
    const boom = new TypeError("enc boom");
    const producer = createProducer(
      emailDefinition("encode_throws", {
        encode: (payload) => {
          if ((payload as unknown as EmailJob).subject === "throw") throw boom;
          return payload;
        },
        decode: (stored) => stored,
      }),
    );
    const error = (await rejection(
      producer.pushBatch([valid, { ...valid, subject: "nul\u0000" }, { ...valid, subject: "throw" }]),
    )) as Error;
    expect(error.message).toMatch(/encode_throws: job 2 of the batch could not be encoded .*enc boom/);
    expect(error.cause).toBe(boom);
    // A toJSON that throws, the same.
    const toJsonThrows = {
      toJSON: () => {
        throw boom;
      },
    } as unknown as EmailJob;
    const viaToJson = (await rejection(producer.pushBatch([valid, toJsonThrows]))) as Error;
    expect(viaToJson.message).toMatch(/encode_throws: job 1 of the batch could not be encoded .*enc boom/);
    expect(viaToJson.cause).toBe(boom);
    expect(await tableExists(db.pool, "pgmq.q_encode_throws")).toBe(false);
  });

  it("round two (hostile) #9: 100,000 invalid jobs give a short message (the first jobs, then a count); every job stays on the error", async () => {
    const producer = createProducer(emailDefinition("many_invalid"));
    const jobs = Array.from({ length: 100_000 }, () => ({ to: "x", subject: "s" }) as EmailJob);
    const error = (await rejection(producer.pushBatch(jobs))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message.length).toBeLessThan(5_000);
    expect(error.message).toMatch(/job 0: \/to must match format/);
    expect(error.message).toContain("and 99980 more jobs");
    expect(error.jobs).toHaveLength(100_000);
    expect(error.issues).toHaveLength(100_000);
  });

  it("round two (hostile) #9: a sparse array of length 10,000,000 is a ValidationError in bounded time, its holes reported compactly", async () => {
    const producer = createProducer(emailDefinition("huge_sparse"));
    const jobs = Object.assign([], { length: 10_000_000 }) as EmailJob[];
    jobs[1] = valid;
    const started = Date.now();
    const error = (await rejection(producer.pushBatch(jobs))) as ValidationError;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message.length).toBeLessThan(5_000);
    expect(error.message).toMatch(/job 0: .*hole/);
    expect(error.message).toContain("9999999 holes");
    expect(error.jobs.slice(0, 3).map((job) => job.index)).toEqual([0, 2, 3]);
    // The largest length an array may have: still bounded.
    const longest = Object.assign([valid], { length: 2 ** 32 - 1 }) as EmailJob[];
    const startedLongest = Date.now();
    const longestError = (await rejection(producer.pushBatch(longest))) as ValidationError;
    expect(Date.now() - startedLongest).toBeLessThan(3_000);
    expect(longestError.message).toContain(`${2 ** 32 - 2} holes`);
    expect(await tableExists(db.pool, "pgmq.q_huge_sparse")).toBe(false);
  }, 60_000);
});

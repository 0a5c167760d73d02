/**
 * Text that carries SQL (`'; drop table`, quotes, `$$`, unicode): queue names
 * are refused (by the compiler's config validation and again by the
 * runtime), header values and payload strings are stored as data and come
 * back to the handler unchanged. Every statement sent is logged: none of the
 * hostile text is ever part of a statement.
 */
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateConfig } from "pgmq-gen/compiler";
import { CompileErrors } from "pgmq-gen/compiler";
import {
  configure,
  createProducer,
  createQueueCodec,
  createQueueWorker,
  ensureQueues,
  PgmqClient,
  type CompiledValidator,
  type JobContext,
  type MessageHeaders,
  type QueueDefinition,
  ValidationError,
  VERSION_HEADER,
} from "@pgmq-gen/runtime";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { reliabilityQueueOptions } from "./harness/reliabilityQueue.js";
import { sleep } from "./harness/scenarioSetup.js";
import { createLoggingPool, type StatementLog } from "./harness/statementLog.js";

const hostile = [
  "'; DROP TABLE canary; --",
  "x'); DELETE FROM pgmq.meta; --",
  '"; DROP TABLE canary; --',
  "$$; DROP TABLE canary; $$",
  "$1::text); DROP TABLE canary; --",
  "\\'; DROP TABLE canary; --",
  "Ünïcödé ✓ 🚀 \u2028\u2029 ‮reversed",
  'O\'Brien said "hi"',
];

const badQueueNames = [
  "jobs'; drop table canary; --",
  'jobs"; drop table canary; --',
  "jobs$$drop$$",
  "Jobs",
  "jobs-dash",
  "jöbs",
  "",
  "a".repeat(48),
  "q; select pg_sleep(10)",
];

const db = useTestDatabase("reliability_sql_text");
let log: StatementLog;
beforeAll(async () => {
  log = createLoggingPool(db.url);
  configure({ pool: log.pool });
  await db.pool.query("CREATE TABLE canary (id int); INSERT INTO canary VALUES (1)");
});
afterAll(async () => {
  await log?.pool.end();
});

async function canaryIntact(): Promise<boolean> {
  const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM canary");
  return Number(rows[0]!.n) === 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function statementsContaining(fragment: string): string[] {
  return log.texts.filter((text) => text.includes(fragment));
}

interface TextJob {
  text: string;
}

const textSchema = {
  type: "object",
  additionalProperties: false,
  required: ["text"],
  properties: { text: { type: "string" } },
};

function textQueue(name: string): QueueDefinition<string, TextJob> {
  const validator = new Ajv().compile(textSchema) as CompiledValidator;
  return {
    name,
    options: reliabilityQueueOptions({ queue: name }),
    codec: createQueueCodec<TextJob>({ queue: name, validator }),
  };
}

describe("queue names carrying SQL", () => {
  it.each(badQueueNames)("%j is refused by the compiler's config validation", (name) => {
    const config = { queues: { [name]: { schema: textSchema } } };
    expect(() => validateConfig(config, "/project/pgmq.config.ts")).toThrow(CompileErrors);
  });

  it("is refused as a dead-letter queue by the compiler's config validation", () => {
    const config = { queues: { jobs: { schema: textSchema, deadLetter: "jobs'; drop table canary; --" } } };
    expect(() => validateConfig(config, "/project/pgmq.config.ts")).toThrow(CompileErrors);
  });

  /** Each runtime entry point that takes a queue name, called with `name`. */
  const entryPoints: [string, (name: string) => Promise<unknown>][] = [
    ["ensureQueues", (name) => ensureQueues(log.pool, [name])],
    ["PgmqClient.send", (name) => new PgmqClient(log.pool).send(name, { text: "x" })],
    ["PgmqClient.read", (name) => new PgmqClient(log.pool).read(name, 30, 1)],
    ["PgmqClient.archive", (name) => new PgmqClient(log.pool).archive(name, [1n])],
    ["Producer.push", (name) => createProducer(textQueue(name)).push({ text: "x" })],
    [
      "Worker.start",
      async (name) => createQueueWorker([textQueue(name)], { [name]: () => {} }, { pool: log.pool }).start(),
    ],
  ];

  it("issue 13 #5: is refused by every runtime entry point with a TypeError naming it, before any statement names it", async () => {
    for (const name of badQueueNames) {
      for (const [entryPoint, call] of entryPoints) {
        const error = await call(name).then(
          () => new Error("resolved"),
          (caught: unknown) => caught,
        );
        expect(error, `${entryPoint}(${JSON.stringify(name)})`).toBeInstanceOf(TypeError);
        expect((error as Error).message, `${entryPoint}(${JSON.stringify(name)})`).toMatch(
          new RegExp(
            `^invalid queue name ${escapeRegExp(JSON.stringify(name))}: expected a PGMQ queue name: lower-case letters`,
          ),
        );
      }
      if (name.length > 0) expect(statementsContaining(name), name).toEqual([]);
    }
    expect(await canaryIntact()).toBe(true);
    const meta = await db.pool.query<{ exists: boolean }>("SELECT to_regclass('pgmq.meta') IS NOT NULL AS exists");
    if (meta.rows[0]!.exists) {
      const { rows } = await db.pool.query<{ queue_name: string }>("SELECT queue_name FROM pgmq.meta");
      expect(rows.filter((row) => badQueueNames.includes(row.queue_name))).toEqual([]);
    }
  });
});

describe("header values and payload strings carrying SQL", () => {
  it("are stored as data and reach the handler unchanged", { timeout: 60_000 }, async () => {
    const queue = textQueue("sql_text");
    await ensureQueues(log.pool, [queue.name]);
    const producer = createProducer(queue);
    const sent = new Map<string, { job: TextJob; headers: MessageHeaders }>();
    const versionStamp = { [VERSION_HEADER]: 1 };
    for (const [index, text] of hostile.entries()) {
      const headers: MessageHeaders = { [text]: text, nested: { value: text, list: [text, index] } };
      const msgId = await producer.push({ text }, { headers });
      // The producer adds its version stamp (issue 14 §3) and keeps the hostile headers as given.
      sent.set(msgId.toString(), { job: { text }, headers: { ...headers, ...versionStamp } });
    }
    const batchIds = await producer.pushBatch(
      hostile.map((text) => ({ text: `${text} (batch)` })),
      { headers: { [hostile[0]!]: hostile[3]! } },
    );
    batchIds.forEach((msgId, index) =>
      sent.set(msgId.toString(), {
        job: { text: `${hostile[index]!} (batch)` },
        headers: { [hostile[0]!]: hostile[3]!, ...versionStamp },
      }),
    );

    const received = new Map<string, { job: TextJob; headers: MessageHeaders | null }>();
    const worker = createQueueWorker(
      [queue],
      {
        [queue.name]: (job: TextJob, ctx: JobContext) =>
          void received.set(ctx.msgId.toString(), { job, headers: ctx.headers }),
      },
      {
        pool: log.pool,
        pollInterval: 100,
      },
    );
    await worker.start();
    const deadline = Date.now() + 30_000;
    while (received.size < sent.size && Date.now() < deadline) await sleep(50);
    await worker.stop();

    expect(Object.fromEntries(received)).toEqual(Object.fromEntries(sent));
    for (const text of hostile) expect(statementsContaining(text), text).toEqual([]);
    expect(await canaryIntact()).toBe(true);
    const stored = await db.pool.query<{ message: TextJob }>("SELECT message FROM pgmq.a_sql_text ORDER BY msg_id");
    expect(stored.rows.map((row) => row.message.text)).toEqual([...sent.values()].map((entry) => entry.job.text));
  });

  it("issue 13 #5: a NUL character PostgreSQL cannot store in jsonb is refused by the producer with a ValidationError at its pointer, and nothing is sent", async () => {
    const queue = textQueue("sql_nul");
    await ensureQueues(log.pool, [queue.name]);
    const producer = createProducer(queue);
    const statementsBefore = log.texts.length;
    const nul = (index: number) =>
      `contains the character U+0000 (NUL) at index ${index}, which PostgreSQL's jsonb cannot store`;
    await expect(producer.push({ text: "before\u0000after" })).rejects.toStrictEqual(
      new ValidationError("sql_nul", [{ pointer: "/text", keyword: "json", message: nul(6) }]),
    );
    await expect(producer.push({ text: "ok" }, { headers: { nul: "\u0000" } })).rejects.toStrictEqual(
      ValidationError.forHeaders("sql_nul", [{ pointer: "headers/nul", keyword: "json", message: nul(0) }]),
    );
    await expect(producer.pushBatch([{ text: "ok" }, { text: "\u0000" }])).rejects.toStrictEqual(
      ValidationError.forBatch("sql_nul", [
        { index: 1, issues: [{ pointer: "/text", keyword: "json", message: nul(0) }] },
      ]),
    );
    expect(log.texts.slice(statementsBefore)).toEqual([]);
    const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM pgmq.q_sql_nul");
    expect(Number(rows[0]!.n)).toBe(0);
  });
});

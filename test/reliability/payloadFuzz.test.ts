/**
 * Payloads generated with fast-check from each example schema in schemas/,
 * pushed through the generated producers (what users run):
 * - mutants of valid payloads (a required key dropped, a wrong type, a bound
 *   crossed, a value outside an enum, an extra key where additionalProperties
 *   is false), each confirmed invalid by the generated validator: `push`
 *   rejects every one with ValidationError, `pushBatch` sends none of a
 *   batch holding one, and nothing reaches the queue;
 * - valid payloads generated the same way come back unchanged through
 *   push → handler.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dereference } from "@apidevtools/json-schema-ref-parser";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  configure,
  ensureQueues,
  ValidationError,
  type JobContext,
  type Producer,
  type QueueCodec,
} from "@pgmq-gen/runtime";
import {
  createWorker,
  emailCodec,
  emailQueue,
  invoicePdfCodec,
  invoicePdfQueue,
  resizeImageCodec,
  resizeImageQueue,
} from "../../generated/index.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { mutantsOf, validArbitrary } from "./harness/schemaArbitrary.js";
import { sleep } from "./harness/scenarioSetup.js";

const schemasDir = fileURLToPath(new URL("../../schemas/", import.meta.url));

interface FuzzedQueue {
  queue: "email" | "invoice_pdf" | "resize_image";
  schemaFile: string;
  codec: QueueCodec<unknown>;
  producer: Producer<unknown>;
}

const queues: FuzzedQueue[] = [
  {
    queue: "email",
    schemaFile: "email.schema.json",
    codec: emailCodec as QueueCodec<unknown>,
    producer: emailQueue as Producer<unknown>,
  },
  {
    queue: "invoice_pdf",
    schemaFile: "invoice-pdf.schema.json",
    codec: invoicePdfCodec as QueueCodec<unknown>,
    producer: invoicePdfQueue as Producer<unknown>,
  },
  {
    queue: "resize_image",
    schemaFile: "resize-image.schema.json",
    codec: resizeImageCodec as QueueCodec<unknown>,
    producer: resizeImageQueue as Producer<unknown>,
  },
];

/** Valid payloads per queue, and mutants per queue checked per run. */
const VALID_RUNS = 150;
const MUTANT_RUNS = 400;

const db = useTestDatabase("reliability_payload_fuzz");
const arbitraries = new Map<string, { schema: Record<string, unknown>; valid: fc.Arbitrary<unknown> }>();

beforeAll(async () => {
  configure({ pool: db.pool });
  await ensureQueues(db.pool, [...queues.map((q) => q.queue), "email_dead"]);
  for (const { queue, schemaFile, codec } of queues) {
    const schema = (await dereference(path.join(schemasDir, schemaFile))) as Record<string, unknown>;
    arbitraries.set(queue, { schema, valid: validArbitrary(schema).filter((value) => codec.is(value)) });
  }
});

async function queueLength(queue: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM pgmq.q_${queue}`);
  return Number(rows[0]!.n);
}

describe.each(queues)("payloads for $queue generated from schemas/$schemaFile", ({ queue, codec, producer }) => {
  it("every invalid mutant is refused by push and by pushBatch, and nothing is sent", {
    timeout: 120_000,
  }, async () => {
    const { schema, valid } = arbitraries.get(queue)!;
    const kinds = new Map<string, number>();
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        valid,
        fc.array(valid, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        async (value, neighbours, pick) => {
          const mutants = mutantsOf(schema as never, value as never).filter((mutant) => !codec.is(mutant.value));
          // Every valid value has at least its "wrong type at the root" mutant.
          expect(mutants.length).toBeGreaterThan(0);
          for (const mutant of mutants) {
            const error = await producer.push(mutant.value).then(
              () => null,
              (caught: unknown) => caught,
            );
            expect(error, mutant.kind).toBeInstanceOf(ValidationError);
            expect((error as ValidationError).issues.length, mutant.kind).toBeGreaterThan(0);
            const kind = mutant.kind.split(" /")[0]!.replace(/ \(root\)$/, "");
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
            refused++;
          }
          const mutant = mutants[pick % mutants.length]!;
          const at = pick % (neighbours.length + 1);
          const batch = [...neighbours.slice(0, at), mutant.value, ...neighbours.slice(at)];
          const error = await producer.pushBatch(batch).then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(error, mutant.kind).toBeInstanceOf(ValidationError);
          expect(
            (error as ValidationError).jobs.map((job) => job.index),
            mutant.kind,
          ).toEqual([at]);
        },
      ),
      { numRuns: MUTANT_RUNS },
    );
    console.info(
      `[reliability] ${queue}: ${refused} invalid payloads refused (${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")})`,
    );
    expect(refused).toBeGreaterThanOrEqual(MUTANT_RUNS);
    for (const kind of ["wrong type", "drop required", "extra key", "outside enum"])
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
    expect(await queueLength(queue)).toBe(0);
  });

  it("valid payloads round-trip unchanged through push and pushBatch to the handler", {
    timeout: 120_000,
  }, async () => {
    const { valid } = arbitraries.get(queue)!;
    const jobs = fc.sample(valid, { numRuns: VALID_RUNS, seed: 42 });
    const sent = new Map<string, unknown>();
    for (const job of jobs.slice(0, VALID_RUNS / 2)) sent.set((await producer.push(job)).toString(), job);
    const batch = jobs.slice(VALID_RUNS / 2);
    const ids = await producer.pushBatch(batch);
    ids.forEach((id, index) => sent.set(id.toString(), batch[index]));

    const received = new Map<string, unknown>();
    const record = (job: unknown, ctx: JobContext) => void received.set(ctx.msgId.toString(), job);
    const handlers = { email: record, invoice_pdf: record, resize_image: record };
    // invoice_pdf is transactional: the test pool (max 10) has room for 8 transactions plus reads and acks.
    const options = { pool: db.pool, pollInterval: 100, concurrency: 8 };
    const worker = createWorker({ [queue]: handlers[queue] } as Partial<typeof handlers>, options);
    const kills: string[] = [];
    worker.on("job:kill", (event) => kills.push(`${event.msgId}: ${event.reason}`));
    await worker.start();
    const deadline = Date.now() + 60_000;
    while (received.size + kills.length < sent.size && Date.now() < deadline) await sleep(50);
    await worker.stop();

    expect(kills).toEqual([]);
    expect(received.size).toBe(sent.size);
    for (const [msgId, job] of sent) expect(received.get(msgId), msgId).toEqual(job);
    expect(await queueLength(queue)).toBe(0);
  });
});

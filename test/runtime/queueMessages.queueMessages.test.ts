/**
 * `queueMessages` against PostgreSQL (issue 15 #8): which messages each
 * state lists (the same split `queueStatus` counts), keyset paging both
 * ways with the prev/next flags, its refusals, PGMQ 1.4 tables, and a page
 * of a 100k-message queue read through an index, never a scan.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { QueueMissingError } from "../../packages/runtime/src/errors.js";
import { type QueuedMessageState, queueMessages } from "../../packages/runtime/src/queueMessages.js";
import { queueExists } from "../../packages/runtime/src/queueSetup.js";
import { queueStatus } from "../../packages/runtime/src/queueStatus.js";
import { readQueueColumns } from "../../packages/runtime/src/sql/queueColumns.js";
import { queueMessagesStatement } from "../../packages/runtime/src/sql/queueMessages.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { untouchableDatabase } from "./untouchableDatabase.js";
import { describePlan, explainStatement } from "./queryPlan.js";

const db = useTestDatabase("queue_messages");

const ids = (page: { messages: { msgId: bigint }[] }) => page.messages.map((message) => message.msgId);

/** A `db` that fails the test if anything is sent to it. */

/** `count` messages `{ n }` in `queue`, ids 1..count: odd ids visible, even ids delayed by an hour. */
async function seedAlternating(queue: string, count: number): Promise<void> {
  await db.pgmq.ensureQueue(queue);
  await db.pool.query(
    `INSERT INTO pgmq.q_${queue} (vt, message)
     SELECT CASE WHEN i % 2 = 1 THEN now() - interval '1 minute' ELSE now() + interval '1 hour' END,
            jsonb_build_object('n', i)
       FROM generate_series(1, $1::int) AS i`,
    [count],
  );
}

describe("queueMessages", () => {
  it("issue 15 #8: each state lists its messages only: visible (a released retry included), in flight (read), delayed (pushed with a delay)", async () => {
    const visible = await db.pgmq.send("states", { kind: "visible" }, { headers: { trace: "t1" } });
    const delayed = await db.pgmq.send("states", { kind: "delayed" }, { delay: 3600 });
    const inFlight = await db.pgmq.send("states", { kind: "in_flight" });
    expect((await db.pgmq.read("states", 600, 1)).map((message) => message.msgId)).toEqual([visible]);
    // The first read took `visible`: put it back, read (read_ct 1) and visible again, as a retry whose backoff passed.
    await db.pgmq.setVisibility("states", [{ msgId: visible, delaySeconds: 0 }]);
    const second = (await db.pgmq.read("states", 600, 2)).map((message) => message.msgId);
    expect(second.sort()).toEqual([visible, inFlight]);
    await db.pgmq.setVisibility("states", [{ msgId: visible, delaySeconds: 0 }]);

    const page = (state: QueuedMessageState) => queueMessages("states", { state, db: db.pool });
    const [visiblePage, inFlightPage, delayedPage] = await Promise.all([
      page("visible"),
      page("in_flight"),
      page("delayed"),
    ]);
    expect(visiblePage).toEqual({
      messages: [
        {
          msgId: visible,
          readCt: 2,
          enqueuedAt: expect.any(Date),
          vt: expect.any(Date),
          lastReadAt: expect.any(Date),
          message: { kind: "visible" },
          payloadBytes: expect.any(Number),
          payloadOmitted: false,
          headers: { trace: "t1" },
        },
      ],
      hasBefore: false,
      hasAfter: false,
    });
    expect(visiblePage.messages[0]!.vt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(inFlightPage.messages).toEqual([
      {
        msgId: inFlight,
        readCt: 1,
        enqueuedAt: expect.any(Date),
        vt: expect.any(Date),
        lastReadAt: expect.any(Date),
        message: { kind: "in_flight" },
        payloadBytes: expect.any(Number),
        payloadOmitted: false,
        headers: null,
      },
    ]);
    expect(inFlightPage.messages[0]!.vt.getTime()).toBeGreaterThan(Date.now() + 500_000);
    expect(
      delayedPage.messages.map((message) => [message.msgId, message.readCt, message.lastReadAt, message.message]),
    ).toEqual([[delayed, 0, null, { kind: "delayed" }]]);
    // The same split queueStatus counts.
    const [status] = await queueStatus(["states"], { db: db.pool });
    expect(status).toMatchObject({ visible: 1, inFlight: 1, delayed: 1 });
  });

  it("issue 15 #8: pages forward and back by id with hasBefore/hasAfter, and both ways give the same messages", async () => {
    // Ids 1..25: the 13 odd ones visible, the 12 even ones delayed.
    await seedAlternating("paged", 25);
    const visible = (options: { after?: bigint; before?: bigint; limit?: number } = {}) =>
      queueMessages("paged", { state: "visible", limit: 5, ...options, db: db.pool });

    const first = await visible();
    expect([ids(first), first.hasBefore, first.hasAfter]).toEqual([[1n, 3n, 5n, 7n, 9n], false, true]);
    expect(first.messages[0]!.message).toEqual({ n: 1 });
    const second = await visible({ after: 9n });
    expect([ids(second), second.hasBefore, second.hasAfter]).toEqual([[11n, 13n, 15n, 17n, 19n], true, true]);
    const last = await visible({ after: 19n });
    expect([ids(last), last.hasBefore, last.hasAfter]).toEqual([[21n, 23n, 25n], true, false]);
    // Back from the first of the last page: the page before it, ascending.
    const back = await visible({ before: 21n });
    expect([ids(back), back.hasBefore, back.hasAfter]).toEqual([[11n, 13n, 15n, 17n, 19n], true, true]);
    const backToStart = await visible({ before: 11n });
    expect([ids(backToStart), backToStart.hasBefore, backToStart.hasAfter]).toEqual([
      [1n, 3n, 5n, 7n, 9n],
      false,
      true,
    ]);
    // The cursor's own message counts on its side: 25 is visible, so there is a next page.
    const beforeLast = await visible({ before: 25n });
    expect([ids(beforeLast), beforeLast.hasBefore, beforeLast.hasAfter]).toEqual([
      [15n, 17n, 19n, 21n, 23n],
      true,
      true,
    ]);
    // A short page backward: what there is, nothing before it.
    const short = await visible({ before: 4n });
    expect([ids(short), short.hasBefore, short.hasAfter]).toEqual([[1n, 3n], false, true]);
    // Exactly `limit` left: no next page (the extra row fetched tells).
    const exact = await visible({ after: 15n });
    expect([ids(exact), exact.hasBefore, exact.hasAfter]).toEqual([[17n, 19n, 21n, 23n, 25n], true, false]);
    // Empty pages still say what lies on the cursor's other side.
    expect(await visible({ after: 25n })).toEqual({ messages: [], hasBefore: true, hasAfter: false });
    expect(await visible({ before: 1n })).toEqual({ messages: [], hasBefore: false, hasAfter: true });
    expect(await visible({ after: 0n })).toEqual(first);

    // Every page forward, then every page back from past the end: the same 13 visible ids, once each.
    const forward: bigint[] = [];
    let page = await visible({ limit: 4 });
    forward.push(...ids(page));
    while (page.hasAfter) {
      page = await visible({ limit: 4, after: forward.at(-1)! });
      forward.push(...ids(page));
    }
    const backward: bigint[] = [];
    page = await visible({ limit: 4, before: 26n });
    backward.unshift(...ids(page));
    while (page.hasBefore) {
      page = await visible({ limit: 4, before: backward[0]! });
      backward.unshift(...ids(page));
    }
    const odd = Array.from({ length: 13 }, (_, i) => BigInt(2 * i + 1));
    expect(forward).toEqual(odd);
    expect(backward).toEqual(odd);

    // The delayed ones page the same way, the visible ones between them skipped.
    const delayed = await queueMessages("paged", { state: "delayed", limit: 3, after: 4n, db: db.pool });
    expect([ids(delayed), delayed.hasBefore, delayed.hasAfter]).toEqual([[6n, 8n, 10n], true, true]);
    expect(await queueMessages("paged", { state: "in_flight", db: db.pool })).toEqual({
      messages: [],
      hasBefore: false,
      hasAfter: false,
    });
  });

  it("issue 15 #8: limit is 50 by default, 1 to 1000; after with before, a bad state or cursor is refused before any query", async () => {
    await seedAlternating("many", 120);
    expect(ids(await queueMessages("many", { state: "visible", db: db.pool }))).toHaveLength(50);
    const one = await queueMessages("many", { state: "visible", limit: 1, after: 1n, db: db.pool });
    expect([ids(one), one.hasBefore, one.hasAfter]).toEqual([[3n], true, true]);
    expect(ids(await queueMessages("many", { state: "delayed", limit: 1000, db: db.pool }))).toHaveLength(60);

    const quiet = untouchableDatabase();
    const refused = (options: object) =>
      queueMessages("many", { state: "visible", ...options, db: quiet.db } as Parameters<typeof queueMessages>[1]);
    for (const limit of [0, 1001, 1.5, Number.NaN, -1])
      await expect(refused({ limit })).rejects.toThrow(
        new RangeError(`limit: expected an integer from 1 to 1000, got ${limit}`),
      );
    await expect(refused({ after: 1n, before: 9n })).rejects.toThrow(RangeError);
    await expect(refused({ state: "archived" })).rejects.toThrow(RangeError);
    await expect(refused({ after: -1n })).rejects.toThrow(RangeError);
    await expect(refused({ before: 2n ** 63n })).rejects.toThrow(RangeError);
    await expect(refused({ after: 5 })).rejects.toThrow(TypeError);
    expect(quiet.queries()).toBe(0);
  });

  it("issue 15 #8: a bad queue name is refused before any query; a missing queue is a QueueMissingError and is not created", async () => {
    const quiet = untouchableDatabase();
    for (const queue of ["Jobs", "x-y", "", "a".repeat(48), "1abc"])
      await expect(queueMessages(queue, { state: "visible", db: quiet.db })).rejects.toThrow(/invalid queue name/);
    expect(quiet.queries()).toBe(0);

    await expect(queueMessages("never_made", { state: "visible", db: db.pool })).rejects.toThrow(QueueMissingError);
    await expect(queueMessages("never_made", { state: "delayed", db: db.pool })).rejects.toThrow(
      /queue "never_made" does not exist .*queueMessages does not create queues/,
    );
    expect(await queueExists(db.pool, "never_made")).toBe(false);
  });

  it("issue 15 #12: maxPayloadBytes leaves out larger payloads (never read), with their stored size; smaller ones come whole", async () => {
    await db.pgmq.ensureQueue("sized");
    const small = await db.pgmq.send("sized", { n: 1 });
    // Random text does not compress: its stored size stays about its length.
    const big = await db.pgmq.send("sized", { blob: randomBytes(600_000).toString("base64") });
    const page = await queueMessages("sized", { state: "visible", db: db.pool, maxPayloadBytes: 10_000 });
    const byId = new Map(page.messages.map((message) => [message.msgId, message]));
    expect(byId.get(small)).toMatchObject({ message: { n: 1 }, payloadOmitted: false });
    expect(byId.get(small)!.payloadBytes).toBeLessThan(100);
    expect(byId.get(big)).toMatchObject({ message: null, payloadOmitted: true });
    expect(byId.get(big)!.payloadBytes).toBeGreaterThan(600_000);
    const unbounded = await queueMessages("sized", { state: "visible", db: db.pool });
    expect(unbounded.messages.find((message) => message.msgId === big)).toMatchObject({ payloadOmitted: false });
    expect(typeof (unbounded.messages.find((message) => message.msgId === big)!.message as { blob: string }).blob).toBe(
      "string",
    );
    for (const bad of [0, -1, 1.5, 2 ** 31, Number.NaN])
      await expect(queueMessages("sized", { state: "visible", db: db.pool, maxPayloadBytes: bad })).rejects.toThrow(
        RangeError,
      );
  });

  it("issue 15 #8: a PGMQ 1.4 table (no headers, no last_read_at) lists its messages with both null", async () => {
    await db.pool.query(`
      CREATE TABLE pgmq.q_old (msg_id bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
        read_ct int NOT NULL DEFAULT 0, enqueued_at timestamptz NOT NULL DEFAULT now(),
        vt timestamptz NOT NULL, message jsonb);
      INSERT INTO pgmq.q_old (vt, read_ct, message) VALUES
        (now() - interval '1 second', 0, '{"n": 1}'), (now() + interval '1 hour', 2, '{"n": 2}')`);
    const visible = await queueMessages("old", { state: "visible", db: db.pool });
    expect(visible.messages).toEqual([
      {
        msgId: 1n,
        readCt: 0,
        enqueuedAt: expect.any(Date),
        vt: expect.any(Date),
        lastReadAt: null,
        message: { n: 1 },
        payloadBytes: expect.any(Number),
        payloadOmitted: false,
        headers: null,
      },
    ]);
    const inFlight = await queueMessages("old", { state: "in_flight", db: db.pool });
    expect(inFlight.messages.map((message) => [message.msgId, message.readCt, message.headers])).toEqual([
      [2n, 2, null],
    ]);
    expect(inFlight.hasBefore).toBe(false);
  });
});

describe("queueMessages on a deep queue", () => {
  it("issue 15 #8: at 100k messages a page of any state, either way, reads an index from its cursor, never the table", async () => {
    await db.pgmq.ensureQueue("deep");
    // 5,000 visible (every 20th id), 1,000 in flight (every 100th, from 50), 94,000 delayed.
    await db.pool.query(
      `INSERT INTO pgmq.q_deep (enqueued_at, read_ct, vt, message)
       SELECT now() - interval '2 hours',
              CASE WHEN i % 100 = 50 THEN 1 ELSE 0 END,
              CASE WHEN i % 20 = 0 THEN now() - interval '1 minute' ELSE now() + interval '1 hour' END,
              jsonb_build_object('n', i)
         FROM generate_series(1, 100000) AS i`,
    );
    await db.pool.query("VACUUM ANALYZE pgmq.q_deep");
    const { rows } = await db.pool.query<{ pages: number }>(
      "SELECT relpages::int AS pages FROM pg_class WHERE oid = 'pgmq.q_deep'::regclass",
    );
    expect(rows[0]!.pages).toBeGreaterThan(700);

    const middle = await queueMessages("deep", { state: "in_flight", after: 50_000n, db: db.pool });
    expect([ids(middle).length, middle.messages[0]!.msgId, middle.hasBefore, middle.hasAfter]).toEqual([
      50,
      50_050n,
      true,
      true,
    ]);

    const columns = (await readQueueColumns(db.pool, "deep"))!;
    for (const state of ["visible", "in_flight", "delayed"] as const) {
      for (const [direction, cursor] of [
        ["forward", "0"],
        ["forward", "50000"],
        ["backward", "50000"],
        ["backward", "100001"],
      ] as const) {
        for (const mode of ["custom", "generic"] as const) {
          const label = `${state} ${direction} from ${cursor} (${mode})`;
          const plan = await explainStatement(
            db.pool,
            queueMessagesStatement("deep", columns, state, direction),
            [cursor, "51", "4096"],
            mode,
          );
          expect(
            plan.nodes.filter((node) => node["Node Type"] === "Seq Scan"),
            `${label}: ${describePlan(plan)}`,
          ).toEqual([]);
          const indexes = plan.nodes.map((node) => node["Index Name"]).filter((name) => name !== undefined);
          expect(indexes.length, label).toBeGreaterThan(0);
          for (const index of indexes) expect(["q_deep_pkey", "q_deep_vt_idx"], label).toContain(index);
          // The rows of a page and those of other states between them (in flight: 1 in 100), not the table's pages.
          expect(plan.buffers, `${label}: ${describePlan(plan)}`).toBeLessThan(150);
        }
      }
    }
  });
});

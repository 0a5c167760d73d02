/**
 * `deadLetters(...).list({ after })` (issue 15 #8): a page of dead letters
 * continues from the last id shown, with the filters, skipping another
 * queue's dead letters in a shared dead-letter queue.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { type DeadLetter, deadLetters } from "../../packages/runtime/src/deadLetters.js";
import { deadLetterOne } from "../cli/deadLetterSeed.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { untouchableDatabase } from "./untouchableDatabase.js";

const db = useTestDatabase("dead_letters_list_paging");

const ids = (letters: DeadLetter[]) => letters.map((letter) => letter.msgId);
const numbers = (letters: DeadLetter[]) => letters.map((letter) => (letter.message as { n: number }).n);

beforeAll(async () => {
  await db.pgmq.ensureQueue("paging_dlq");
  // paging's dead letters n = 1..8 (even ones "timeout", odd ones "invalid"), another queue's between them.
  for (let n = 1; n <= 8; n++) {
    await deadLetterOne(db.pgmq, db.pool, "paging", "paging_dlq", {
      payload: { n },
      reason: n % 2 === 0 ? "ETIMEDOUT" : "invalid payload",
    });
    await deadLetterOne(db.pgmq, db.pool, "other", "paging_dlq", { payload: { n: 100 + n }, reason: "ETIMEDOUT" });
  }
});

describe("deadLetters list paging", () => {
  it("issue 15 #8: list({ after }) continues from the last id shown: the pages together are the whole list, once each", async () => {
    const dlq = deadLetters("paging", { deadLetterQueue: "paging_dlq", db: db.pool });
    const all = await dlq.list();
    expect(numbers(all)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    const first = await dlq.list({ limit: 3 });
    expect(numbers(first)).toEqual([1, 2, 3]);
    const second = await dlq.list({ limit: 3, after: first.at(-1)!.msgId });
    expect(numbers(second)).toEqual([4, 5, 6]);
    const third = await dlq.list({ limit: 3, after: second.at(-1)!.msgId });
    expect(numbers(third)).toEqual([7, 8]);
    expect(await dlq.list({ limit: 3, after: third.at(-1)!.msgId })).toEqual([]);
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(ids(all));

    // The cursor need not be this queue's: after another queue's dead letter, from the next of this one's.
    const others = await deadLetters("other", { deadLetterQueue: "paging_dlq", db: db.pool }).list();
    expect(numbers(await dlq.list({ after: others[3]!.msgId }))).toEqual([5, 6, 7, 8]);
    expect(await dlq.list({ after: 0n })).toEqual(all);
  });

  it("issue 15 #8: after pages within the filters (reason, ids), and counting ignores it", async () => {
    const dlq = deadLetters("paging", { deadLetterQueue: "paging_dlq", db: db.pool });
    const timeouts = await dlq.list({ reason: "etimedout", limit: 2 });
    expect(numbers(timeouts)).toEqual([2, 4]);
    expect(numbers(await dlq.list({ reason: "etimedout", limit: 2, after: timeouts[1]!.msgId }))).toEqual([6, 8]);
    const all = await dlq.list();
    expect(numbers(await dlq.list({ ids: [all[0]!.msgId, all[5]!.msgId], after: all[0]!.msgId }))).toEqual([6]);
    expect(await dlq.count()).toBe(8);
  });

  it("issue 15 #8: an after that is not a message id is refused before any query", async () => {
    const quiet = untouchableDatabase();
    const dlq = deadLetters("paging", { deadLetterQueue: "paging_dlq", db: quiet.db });
    await expect(dlq.list({ after: -1n })).rejects.toThrow(RangeError);
    await expect(dlq.list({ after: 2n ** 63n })).rejects.toThrow(RangeError);
    await expect(dlq.list({ after: 3 as unknown as bigint })).rejects.toThrow(TypeError);
    expect(quiet.queries()).toBe(0);
  });

  it("issue 15 #12: list({ maxPayloadBytes }) leaves out larger payloads with their stored size; show() always reads it whole", async () => {
    await deadLetterOne(db.pgmq, db.pool, "sized", "paging_dlq", {
      payload: { blob: randomBytes(300_000).toString("base64") },
      reason: "too big",
    });
    await deadLetterOne(db.pgmq, db.pool, "sized", "paging_dlq", { payload: { n: 1 }, reason: "small" });
    const dlq = deadLetters("sized", { deadLetterQueue: "paging_dlq", db: db.pool });
    const [big, small] = await dlq.list({ maxPayloadBytes: 4096 });
    expect(big).toMatchObject({ message: null, payloadOmitted: true, reason: "too big" });
    expect(big!.payloadBytes).toBeGreaterThan(300_000);
    expect(small).toMatchObject({ message: { n: 1 }, payloadOmitted: false });
    const shown = await dlq.show(big!.msgId);
    expect(shown).toMatchObject({ payloadOmitted: false });
    expect(typeof (shown!.message as { blob: string }).blob).toBe("string");
    await expect(dlq.list({ maxPayloadBytes: 0 })).rejects.toThrow(RangeError);
  });
});

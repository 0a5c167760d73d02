/**
 * issue 11 (hostile): metricsEstimate on a queue holding a message whose vt
 * is decades in the past. `send` accepts any Date from 4713 BC on, and the
 * read takes such a message first (vt order); the estimate's
 * `floor(extract(epoch ...))::int` overflows int4 past ~68 years.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgmqClient } from "../../src/runtime/pgmq.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

let db: TestDatabase;
let pgmq: PgmqClient;

beforeAll(async () => {
  db = await createTestDatabase("metricsEstimate_hostile");
  pgmq = new PgmqClient(db.pool);
});
afterAll(async () => {
  await db?.drop();
});

describe("metricsEstimate with a long-past vt", () => {
  it("issue 11 (hostile) #1: a message sent with delay 1950-01-01 does not make metricsEstimate fail", async () => {
    await pgmq.send("old_vt", { n: 1 }, { delay: new Date("1950-01-01T00:00:00Z") });
    expect((await pgmq.metrics("old_vt")).queueLength).toBe(1);
    const estimate = await pgmq.metricsEstimate("old_vt");
    expect(estimate.visibleCount).toBe(1);
    expect(estimate.oldestVisibleWaitSec).toBeGreaterThan(2 ** 31);
  });
});

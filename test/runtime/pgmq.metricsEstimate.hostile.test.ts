/**
 * issue 11 (hostile): metricsEstimate on a queue holding a message whose vt
 * is decades in the past. `send` accepts any Date from 4713 BC on, and the
 * read takes such a message first (vt order); ages were cast to int4,
 * which overflows past ~68 years, so one such message failed the whole
 * queue's figures. Ages are float8 now (exact to the second for any
 * timestamptz).
 */
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";

const db = useTestDatabase("metricsEstimate_hostile");

describe("metricsEstimate with a long-past vt", () => {
  it("issue 11 (hostile) #1: a message sent with delay 1950-01-01 does not make metricsEstimate fail", async () => {
    await db.pgmq.send("old_vt", { n: 1 }, { delay: new Date("1950-01-01T00:00:00Z") });
    expect((await db.pgmq.metrics("old_vt")).queueLength).toBe(1);
    const estimate = await db.pgmq.metricsEstimate("old_vt");
    expect(estimate.visibleCount).toBe(1);
    expect(estimate.oldestVisibleWaitSec).toBeGreaterThan(2 ** 31);
  });

  it("issue 11 (hostile) #1: the earliest Date send accepts (4713 BC) too", async () => {
    await db.pgmq.send("oldest_vt", { n: 1 }, { delay: new Date(Date.UTC(-4712, 0, 1)) });
    const estimate = await db.pgmq.metricsEstimate("oldest_vt");
    // ~6,700 years: past 2^31 s by two orders of magnitude.
    expect(estimate.oldestVisibleWaitSec).toBeGreaterThan(2e11);
    expect(Number.isInteger(estimate.oldestVisibleWaitSec)).toBe(true);
  });
});

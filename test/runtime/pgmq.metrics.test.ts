import { describe, expect, it } from "vitest";
import { PgmqClient } from "../../packages/runtime/src/pgmq.js";
import { queueExists } from "../../packages/runtime/src/queueSetup.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { tableExists } from "./support.js";

const db = useTestDatabase("pgmq_metrics");

describe("PgmqClient.metrics", () => {
  it("reports an empty queue", async () => {
    await db.pgmq.ensureQueue("empty");
    expect(await db.pgmq.metrics("empty")).toEqual({ queueLength: 0, oldestMsgAgeSec: null, totalMessages: 0n });
  });

  it("counts every message, visible or not, and every message ever sent", async () => {
    await db.pgmq.sendBatch("counted", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await db.pool.query("UPDATE pgmq.q_counted SET enqueued_at = now() - interval '90 seconds' WHERE msg_id = 1");
    await db.pgmq.read("counted", 30, 1);
    await db.pgmq.delete("counted", [3n]);
    const metrics = await db.pgmq.metrics("counted");
    expect(metrics.queueLength).toBe(2);
    expect(metrics.totalMessages).toBe(3n);
    expect(metrics.oldestMsgAgeSec).toBeGreaterThanOrEqual(90);
    expect(metrics.oldestMsgAgeSec).toBeLessThan(100);
  });
});

describe("PgmqClient.purge", () => {
  it("deletes every message, keeps the archive, returns the count", async () => {
    const ids = await db.pgmq.sendBatch("purged", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await db.pgmq.archive("purged", [ids[0]!]);
    expect(await db.pgmq.purge("purged")).toBe(2);
    expect((await db.pgmq.metrics("purged")).queueLength).toBe(0);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.a_purged");
    expect(rows[0].n).toBe(1);
  });
});

describe("PgmqClient.drop", () => {
  it("drops both tables and the meta row; the queue comes back on next use", async () => {
    await db.pgmq.send("dropped", { n: 1 });
    await db.pgmq.drop("dropped");
    expect(await tableExists(db.pool, "pgmq.q_dropped")).toBe(false);
    expect(await tableExists(db.pool, "pgmq.a_dropped")).toBe(false);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM pgmq.meta WHERE queue_name = 'dropped'");
    expect(rows[0].n).toBe(0);
    await db.pgmq.send("dropped", { n: 2 });
    expect(await queueExists(db.pool, "dropped")).toBe(true);
    expect((await db.pgmq.read("dropped", 30, 10)).map((message) => message.message)).toEqual([{ n: 2 }]);
  });

  it("is no error for a missing queue", async () => {
    await expect(db.pgmq.drop("never_existed")).resolves.toBeUndefined();
    expect(await queueExists(db.pool, "never_existed")).toBe(false);
  });

  it("recovers when another client dropped the queue behind this one's cache", async () => {
    await db.pgmq.send("dropped_elsewhere", { n: 1 });
    const other = new PgmqClient(db.pool);
    await other.drop("dropped_elsewhere");
    const id = await db.pgmq.send("dropped_elsewhere", { n: 2 });
    expect((await db.pgmq.read("dropped_elsewhere", 30, 10)).map((message) => message.msgId)).toEqual([id]);
  });
});

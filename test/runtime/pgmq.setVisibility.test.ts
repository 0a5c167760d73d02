import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { queueRows } from "./support.js";

const db = useTestDatabase("pgmq_setVisibility");

describe("PgmqClient.setVisibility", () => {
  it("sets each message's own delay and leaves read_ct alone", async () => {
    const ids = await db.pgmq.sendBatch("vt", [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await db.pgmq.read("vt", 300, 3);
    const before = Date.now();
    const updated = await db.pgmq.setVisibility("vt", [
      { msgId: ids[0]!, delaySeconds: 0 },
      { msgId: ids[1]!, delaySeconds: 90 },
      { msgId: 424242n, delaySeconds: 5 },
    ]);
    expect([...updated].sort()).toEqual([ids[0], ids[1]].sort());
    const rows = await queueRows(db.pool, "vt");
    expect(rows.map((row) => row.read_ct)).toEqual([1, 1, 1]);
    expect(Math.abs(rows[0]!.vt.getTime() - before)).toBeLessThan(5_000);
    expect((rows[1]!.vt.getTime() - before) / 1000).toBeGreaterThan(85);
    expect((rows[1]!.vt.getTime() - before) / 1000).toBeLessThan(95);
    expect((rows[2]!.vt.getTime() - before) / 1000).toBeGreaterThan(290);
    const visible = await db.pgmq.read("vt", 30, 10);
    expect(visible.map((message) => [message.msgId, message.readCt])).toEqual([[ids[0], 2]]);
  });

  it("accepts fractional seconds", async () => {
    const id = await db.pgmq.send("vt_fraction", { n: 1 });
    const before = Date.now();
    await db.pgmq.setVisibility("vt_fraction", [{ msgId: id, delaySeconds: 2.5 }]);
    const [row] = await queueRows(db.pool, "vt_fraction");
    const delay = row!.vt.getTime() - before;
    expect(delay).toBeGreaterThan(2_000);
    expect(delay).toBeLessThan(4_000);
  });

  it("rejects negative delays and returns [] for no entries", async () => {
    const id = await db.pgmq.send("vt_bad", { n: 1 });
    await expect(db.pgmq.setVisibility("vt_bad", [{ msgId: id, delaySeconds: -3 }])).rejects.toThrow(RangeError);
    expect(await db.pgmq.setVisibility("vt_bad", [])).toEqual([]);
  });
});

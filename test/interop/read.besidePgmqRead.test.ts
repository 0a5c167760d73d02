/**
 * (e) Issue 11: our reads go in vt order on PGMQ's vt index, PGMQ's `read` in
 * id order on its primary key. Both lock with SKIP LOCKED and hide what they
 * take, so on one queue, concurrently, they deliver each visible message once
 * between them and leave the delayed ones alone; PGMQ's archive, delete and
 * metrics then work on what our reads took.
 */
import { describe, expect, it } from "vitest";
import { PgmqClient } from "../../packages/runtime/src/index.js";
import { count, pgmqVersions, usePgmqDatabase } from "./pgmqDatabase.js";

describe.each(pgmqVersions())("PGMQ $version", (version) => {
  const pool = usePgmqDatabase(version);

  it("e:vt read beside pgmq.read: read, readWithin and pgmq.read, concurrently on 1,000 visible and 300 delayed, deliver each visible message once and leave the delayed", async () => {
    const queue = "theirs_vt_order";
    await pool().query("SELECT pgmq.create($1::text)", [queue]);
    await pool().query(
      "SELECT pgmq.send_batch($1::text, ARRAY(SELECT jsonb_build_object('delayed', n) FROM generate_series(1, 300) AS n), 3600)",
      [queue],
    );
    const sent = await pool().query<{ id: string }>(
      "SELECT pgmq.send_batch($1::text, ARRAY(SELECT jsonb_build_object('n', n) FROM generate_series(1, 1000) AS n))::text AS id",
      [queue],
    );
    const client = new PgmqClient(pool());
    const delivered = new Map<string, string>();
    const duplicates: string[] = [];
    const record = (ids: string[], by: string) => {
      for (const id of ids) {
        if (delivered.has(id)) duplicates.push(`${id} by ${delivered.get(id)} and ${by}`);
        delivered.set(id, by);
      }
    };
    const readers = [
      async () => (await client.read(queue, 60, 37)).map((message) => message.msgId.toString()),
      async () =>
        (
          await client.readWithin(queue, 60, 41, { maxBytes: 1 << 20, inlineBytes: 1 << 20, inlineReadCt: 100 })
        ).messages.map((message) => message.msgId.toString()),
      async () =>
        (
          await pool().query<{ msg_id: string }>("SELECT msg_id::text FROM pgmq.read($1::text, 60, 43)", [queue])
        ).rows.map((row) => row.msg_id),
    ];
    for (let round = 0; round < 40 && delivered.size < 1000; round++) {
      const results = await Promise.all(
        readers.flatMap((read, index) =>
          [read(), read()].map((reading) => reading.then((ids) => [ids, `reader ${index}`] as const)),
        ),
      );
      for (const [ids, by] of results) record(ids, by);
    }
    expect(duplicates.slice(0, 5), "delivered twice").toEqual([]);
    expect([...delivered.keys()].sort(), "delivered: the 1000 visible, none of the delayed").toEqual(
      sent.rows.map((row) => row.id).sort(),
    );
    const byReader = [0, 1, 2].map((index) => [...delivered.values()].filter((by) => by === `reader ${index}`).length);
    for (const [index, taken] of byReader.entries())
      expect(taken, `reader ${index} (of read, readWithin, pgmq.read) took some`).toBeGreaterThan(0);
    const ids = [...delivered.keys()];
    await pool().query("SELECT pgmq.archive($1::text, $2::bigint[])", [queue, ids.slice(0, 500)]);
    await pool().query("SELECT pgmq.delete($1::text, $2::bigint[])", [queue, ids.slice(500)]);
    const metrics = await pool().query<{ queue_length: string }>(
      "SELECT queue_length::text FROM pgmq.metrics($1::text)",
      [queue],
    );
    expect(metrics.rows[0]!.queue_length, "pgmq.metrics queue_length: the 300 delayed").toBe("300");
    expect(
      await count(pool(), `SELECT count(*) AS n FROM pgmq.a_${queue}`),
      "pgmq.archive moved the 500 our reads took",
    ).toBe(500);
  });
});

/** (a) Queues and messages our runtime makes, as PGMQ's own functions see and act on them. */
import { describe, expect, it } from "vitest";
import {
  configure,
  createProducer,
  ensureQueues,
  PgmqClient,
  type MessageHeaders,
} from "../../packages/runtime/src/index.js";
import { definition, sleep, type PgmqReadRow } from "./interopQueue.js";
import { count, hasFunction, isAtLeast, pgmqVersions, usePgmqDatabase } from "./pgmqDatabase.js";
import { describeTable, diffLayouts } from "./tableLayout.js";

describe.each(pgmqVersions())("PGMQ $version", (version) => {
  const pool = usePgmqDatabase(version);

  it("a:ensureQueues creates through pgmq.create: the same tables, a pgmq.meta row, insert-notify where PGMQ has it (1.7+)", async () => {
    await ensureQueues(pool(), ["ours_a"]);
    await pool().query("SELECT pgmq.create($1::text)", ["ref_a"]);
    const diffs = [
      ...diffLayouts(
        "q_",
        await describeTable(pool(), "q_ref_a", "ref_a"),
        await describeTable(pool(), "q_ours_a", "ours_a"),
      ),
      ...diffLayouts(
        "a_",
        await describeTable(pool(), "a_ref_a", "ref_a"),
        await describeTable(pool(), "a_ours_a", "ours_a"),
      ),
    ];
    expect(diffs).toEqual([]);
    expect(
      await count(pool(), "SELECT count(*) AS n FROM pgmq.meta WHERE queue_name = 'ours_a'"),
      "pgmq.meta rows for ours_a",
    ).toBe(1);
    expect(
      await count(pool(), "SELECT count(*) AS n FROM pgmq.list_queues() WHERE queue_name = 'ours_a'"),
      "pgmq.list_queues() rows for ours_a",
    ).toBe(1);
    const notify = isAtLeast(version, "1.7.0");
    expect(await hasFunction(pool(), "pgmq.notify_queue_listeners()"), "PGMQ has insert-notify from 1.7").toBe(notify);
    if (notify) {
      const trigger = await count(
        pool(),
        "SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = 'pgmq.q_ours_a'::regclass AND tgname = 'trigger_notify_queue_insert_listeners'",
      );
      expect(trigger, "PGMQ has enable_notify_insert: ensureQueues must give q_ours_a its trigger").toBe(1);
    }
    await expect(ensureQueues(pool(), ["ours_a"]), "ensureQueues a second time").resolves.toBeUndefined();
  });

  it("a:send→pgmq.read: PgmqClient.send, push and pushBatch (with headers) read by pgmq.read with the same message, headers, read_ct 1, vt pushed out", async () => {
    const client = new PgmqClient(pool());
    const queue = "ours_send";
    const headers: MessageHeaders = { trace: "t-1", nested: { n: 1, list: [1, "two", null] } };
    const one = { kind: "client", n: 1, text: "ünïcødé ✓", deep: { a: [1, 2, { b: null }] } };
    const id1 = await client.send(queue, one, { headers });
    const id2 = await client.send(queue, { kind: "plain" });
    configure({ pool: pool() });
    const producer = createProducer(definition(queue));
    const id3 = await producer.push({ kind: "producer" }, { headers: { via: "push" } });
    const batchIds = await producer.pushBatch(
      [
        { kind: "batch", i: 0 },
        { kind: "batch", i: 1 },
      ],
      { headers: { via: "batch" } },
    );
    const { rows } = await pool().query<PgmqReadRow>("SELECT * FROM pgmq.read($1::text, $2::int, $3::int)", [
      queue,
      30,
      10,
    ]);
    const readAt = Date.now();
    rows.sort((a, b) => (BigInt(a.msg_id) < BigInt(b.msg_id) ? -1 : 1));
    const stamp = { "x-pgmq-gen-version": 1 };
    expect(
      rows.map((row) => ({ id: String(row.msg_id), message: row.message, headers: row.headers, readCt: row.read_ct })),
    ).toEqual([
      { id: String(id1), message: one, headers, readCt: 1 },
      { id: String(id2), message: { kind: "plain" }, headers: null, readCt: 1 },
      // A producer stamps its queue's schema version (issue 14 §3); the caller's headers are kept as given.
      { id: String(id3), message: { kind: "producer" }, headers: { via: "push", ...stamp }, readCt: 1 },
      { id: String(batchIds[0]), message: { kind: "batch", i: 0 }, headers: { via: "batch", ...stamp }, readCt: 1 },
      { id: String(batchIds[1]), message: { kind: "batch", i: 1 }, headers: { via: "batch", ...stamp }, readCt: 1 },
    ]);
    for (const row of rows)
      expect(row.vt.getTime(), `msg ${row.msg_id}: vt ~30 s ahead after pgmq.read`).toBeGreaterThan(readAt + 20_000);
    const again = await pool().query("SELECT * FROM pgmq.read($1::text, 30, 10)", [queue]);
    expect(again.rows, "messages visible again right after pgmq.read").toEqual([]);
  });

  it("a:delay: our delays (seconds, Date, batch) hide messages from pgmq.read until due", async () => {
    const client = new PgmqClient(pool());
    const queue = "ours_delay";
    await client.send(queue, { d: "seconds" }, { delay: 1 });
    await client.send(queue, { d: "date" }, { delay: new Date(Date.now() + 1000) });
    await client.sendBatch(queue, [{ d: "batch" }], { delay: 1 });
    const early = await pool().query("SELECT * FROM pgmq.read($1::text, 30, 10)", [queue]);
    expect(early.rows, "pgmq.read before the delay").toEqual([]);
    await sleep(1300);
    const late = await pool().query<PgmqReadRow>("SELECT * FROM pgmq.read($1::text, 30, 10)", [queue]);
    expect(late.rows, "pgmq.read after the delay").toHaveLength(3);
  });

  it("a:pgmq ops on ours: pgmq.set_vt, archive, delete, pop and metrics on our messages; our archive and metrics on PGMQ's tables", async () => {
    const client = new PgmqClient(pool());
    const queue = "ours_ops";
    const ids = await client.sendBatch(queue, [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }], { headers: { h: "x" } });
    // read (ours) then set_vt (PGMQ): read_ct stays 1, message visible again
    const read = await client.read(queue, 30, 1);
    expect(
      read.map((message) => message.msgId),
      "our read",
    ).toEqual([ids[0]]);
    const setVt = await pool().query<PgmqReadRow>("SELECT * FROM pgmq.set_vt($1::text, $2::bigint, $3::int)", [
      queue,
      String(ids[0]),
      0,
    ]);
    expect(
      setVt.rows.map((row) => row.read_ct),
      "pgmq.set_vt leaves read_ct alone",
    ).toEqual([1]);
    // Our reads go in vt order: visible again from now, it comes after the three waiting since the send.
    const reread = await client.read(queue, 30, 4);
    expect(reread, "our read after pgmq.set_vt(…, 0)").toHaveLength(4);
    expect(
      [reread.at(-1)!.msgId, reread.at(-1)!.readCt],
      "the message made visible again comes last (vt order), read_ct 2",
    ).toEqual([ids[0], 2]);
    // archive (PGMQ) of our message
    const archived = await pool().query<{ archive: boolean }>("SELECT pgmq.archive($1::text, $2::bigint) AS archive", [
      queue,
      String(ids[0]),
    ]);
    expect(archived.rows[0]!.archive, "pgmq.archive of our message").toBe(true);
    const archiveRow = await pool().query<PgmqReadRow>(`SELECT * FROM pgmq.a_${queue} WHERE msg_id = $1`, [
      String(ids[0]),
    ]);
    expect(
      archiveRow.rows.map((row) => ({ readCt: row.read_ct, headers: row.headers })),
      "pgmq.archive's archive row",
    ).toEqual([{ readCt: 2, headers: { h: "x" } }]);
    const arr = await pool().query("SELECT * FROM pgmq.archive($1::text, ARRAY[$2::bigint])", [queue, String(ids[1])]);
    expect(arr.rows, "pgmq.archive(text, bigint[]) of our message").toHaveLength(1);
    // delete (PGMQ)
    const deleted = await pool().query<{ d: boolean }>("SELECT pgmq.delete($1::text, $2::bigint) AS d", [
      queue,
      String(ids[2]),
    ]);
    expect(deleted.rows[0]!.d, "pgmq.delete of our message").toBe(true);
    // our archive → PGMQ's tables and metrics
    expect(await client.archive(queue, [ids[3]!]), "PgmqClient.archive").toHaveLength(1);
    expect(await count(pool(), `SELECT count(*) AS n FROM pgmq.a_${queue}`), `pgmq.a_${queue} rows`).toBe(3);
    const metrics = await pool().query<{ queue_length: string; total_messages: string }>(
      "SELECT * FROM pgmq.metrics($1::text)",
      [queue],
    );
    expect(
      [Number(metrics.rows[0]!.queue_length), Number(metrics.rows[0]!.total_messages)],
      "pgmq.metrics queue_length, total_messages",
    ).toEqual([0, 4]);
    // pop (PGMQ) on ours
    const popId = await client.send(queue, { pop: true });
    const popped = await pool().query<PgmqReadRow>("SELECT * FROM pgmq.pop($1::text)", [queue]);
    expect(
      popped.rows.map((row) => String(row.msg_id)),
      "pgmq.pop",
    ).toEqual([String(popId)]);
    // our metrics on a PGMQ-made queue
    const ourMetrics = await client.metrics(queue);
    expect([ourMetrics.queueLength, ourMetrics.totalMessages], "PgmqClient.metrics queueLength, totalMessages").toEqual(
      [0, 5n],
    );
  });
});

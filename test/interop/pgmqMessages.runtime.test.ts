/** (b, d) Messages PGMQ's own functions send, as our worker and PgmqClient take them; PGMQ's insert-notify waking our worker. */
import { describe, expect, it } from "vitest";
import { createQueueWorker, PgmqClient, type JobContext } from "../../packages/runtime/src/index.js";
import { definition, sleep, waitFor, type PgmqReadRow } from "./interopQueue.js";
import { count, hasFunction, isAtLeast, pgmqVersions, usePgmqDatabase } from "./pgmqDatabase.js";

interface Sent {
  id: string;
  message: unknown;
  headers: unknown;
  form: string;
}

describe.each(pgmqVersions())("PGMQ $version", (version) => {
  const pool = usePgmqDatabase(version);

  it("b:pgmq.send→worker: every pgmq.send / send_batch overload the version has is processed by createQueueWorker with the same job, headers and attempt 1, then archived", async () => {
    const queue = "theirs_work";
    await pool().query("SELECT pgmq.create($1::text)", [queue]);
    const sent: Sent[] = [];
    const m = (form: string) => ({ form, payload: { n: form.length, s: "x" } });
    const h = (form: string) => ({ "x-form": form, n: 1 });
    const send = async (form: string, sql: string, values: unknown[], messages: unknown[], headers: unknown[]) => {
      const { rows } = await pool().query<{ id: string }>(sql, values);
      expect(rows, `${form}: ids returned`).toHaveLength(messages.length);
      rows.forEach((row, i) =>
        sent.push({ id: String(row.id), message: messages[i], headers: headers[i] ?? null, form }),
      );
    };
    // [form, signature it needs (none: every version has it), SQL, values, messages, headers]
    const forms: [string, string | null, string, unknown[], unknown[], unknown[]][] = [
      [
        "send(q,msg)",
        null,
        "SELECT pgmq.send($1::text, $2::jsonb) AS id",
        [queue, JSON.stringify(m("a"))],
        [m("a")],
        [],
      ],
      [
        "send(q,msg,headers)",
        "pgmq.send(text,jsonb,jsonb)",
        "SELECT pgmq.send($1::text, $2::jsonb, $3::jsonb) AS id",
        [queue, JSON.stringify(m("b")), JSON.stringify(h("b"))],
        [m("b")],
        [h("b")],
      ],
      [
        "send(q,msg,int)",
        "pgmq.send(text,jsonb,integer)",
        "SELECT pgmq.send($1::text, $2::jsonb, $3::int) AS id",
        [queue, JSON.stringify(m("c")), 0],
        [m("c")],
        [],
      ],
      [
        "send(q,msg,tstz)",
        "pgmq.send(text,jsonb,timestamp with time zone)",
        "SELECT pgmq.send($1::text, $2::jsonb, $3::timestamptz) AS id",
        [queue, JSON.stringify(m("d")), new Date(Date.now() - 1000)],
        [m("d")],
        [],
      ],
      [
        "send(q,msg,headers,int delay 1s)",
        "pgmq.send(text,jsonb,jsonb,integer)",
        "SELECT pgmq.send($1::text, $2::jsonb, $3::jsonb, $4::int) AS id",
        [queue, JSON.stringify(m("e")), JSON.stringify(h("e")), 1],
        [m("e")],
        [h("e")],
      ],
      [
        "send(q,msg,headers,tstz)",
        "pgmq.send(text,jsonb,jsonb,timestamp with time zone)",
        "SELECT pgmq.send($1::text, $2::jsonb, $3::jsonb, $4::timestamptz) AS id",
        [queue, JSON.stringify(m("f")), JSON.stringify(h("f")), new Date()],
        [m("f")],
        [h("f")],
      ],
      [
        "send_batch(q,msgs)",
        null,
        "SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[]) AS id",
        [queue, [m("g0"), m("g1")].map((x) => JSON.stringify(x))],
        [m("g0"), m("g1")],
        [],
      ],
      [
        "send_batch(q,msgs,headers)",
        "pgmq.send_batch(text,jsonb[],jsonb[])",
        "SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[], $3::jsonb[]) AS id",
        [queue, [m("h0"), m("h1")].map((x) => JSON.stringify(x)), [h("h0"), h("h1")].map((x) => JSON.stringify(x))],
        [m("h0"), m("h1")],
        [h("h0"), h("h1")],
      ],
      [
        "send_batch(q,msgs,int delay 1s)",
        "pgmq.send_batch(text,jsonb[],integer)",
        "SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[], $3::int) AS id",
        [queue, [m("i0")].map((x) => JSON.stringify(x)), 1],
        [m("i0")],
        [],
      ],
    ];
    for (const [form, signature, sql, values, messages, headers] of forms) {
      if (signature === null || (await hasFunction(pool(), signature)))
        await send(form, sql, values, messages, headers);
    }

    const seen = new Map<string, { job: unknown; ctx: JobContext }>();
    const worker = createQueueWorker(
      [definition(queue)],
      { [queue]: (job: unknown, ctx: JobContext) => void seen.set(String(ctx.msgId), { job, ctx }) },
      {
        pool: pool(),
        pollInterval: 200,
        logger: false,
        concurrency: 4,
        shutdownTimeout: 2000,
      },
    );
    const errors: unknown[] = [];
    worker.on("error", (error) => errors.push(error));
    worker.on("job:kill", (event) => errors.push(new Error(`killed ${event.msgId}: ${event.reason}`)));
    worker.on("job:fail", (event) => errors.push(new Error(`failed ${event.msgId}: ${String(event.error)}`)));
    await worker.start();
    try {
      await waitFor(
        `worker to process ${sent.length} pgmq-sent messages`,
        async () =>
          seen.size >= sent.length &&
          (await count(pool(), `SELECT count(*) AS n FROM pgmq.a_${queue}`)) === sent.length,
        10_000,
      );
    } finally {
      await worker.stop();
    }
    expect(errors.map(String), "worker events").toEqual([]);
    for (const message of sent) {
      const got = seen.get(message.id);
      expect(got, `${message.form}: msg ${message.id} reached the handler`).toBeDefined();
      expect({ job: got!.job, headers: got!.ctx.headers, attempt: got!.ctx.attempt }, message.form).toEqual({
        job: message.message,
        headers: message.headers,
        attempt: 1,
      });
    }
    const metrics = await pool().query<{ queue_length: string; total_messages: string }>(
      "SELECT * FROM pgmq.metrics($1::text)",
      [queue],
    );
    expect(
      [Number(metrics.rows[0]!.queue_length), Number(metrics.rows[0]!.total_messages)],
      "pgmq.metrics queue_length, total_messages",
    ).toEqual([0, sent.length]);
    const archive = await pool().query<PgmqReadRow>(`SELECT * FROM pgmq.a_${queue}`);
    for (const row of archive.rows) {
      const want = sent.find((each) => each.id === String(row.msg_id));
      expect({ message: row.message, headers: row.headers, readCt: row.read_ct }, `archive row ${row.msg_id}`).toEqual({
        message: want?.message,
        headers: want?.headers,
        readCt: 1,
      });
    }
  });

  it("b:client on theirs: PgmqClient read / setVisibility / archive / delete on pgmq.send_batch messages", async () => {
    const queue = "theirs_client";
    await pool().query("SELECT pgmq.create($1::text)", [queue]);
    const { rows } = await pool().query<{ id: string }>("SELECT * FROM pgmq.send_batch($1::text, $2::jsonb[]) AS id", [
      queue,
      ['{"i":0}', '{"i":1}', '{"i":2}'],
    ]);
    const ids = rows.map((row) => BigInt(row.id));
    const client = new PgmqClient(pool());
    const read = await client.read(queue, 30, 3);
    expect(
      read.map((message) => message.readCt),
      "PgmqClient.read: read_ct of each",
    ).toEqual([1, 1, 1]);
    expect(
      await client.setVisibility(queue, [{ msgId: ids[0]!, delaySeconds: 0 }]),
      "PgmqClient.setVisibility",
    ).toHaveLength(1);
    const pgRead = await pool().query<PgmqReadRow>("SELECT * FROM pgmq.read($1::text, 30, 5)", [queue]);
    expect(
      pgRead.rows.map((row) => [String(row.msg_id), row.read_ct]),
      "pgmq.read after our setVisibility(0)",
    ).toEqual([[String(ids[0]), 2]]);
    expect(await client.archive(queue, [ids[0]!]), "PgmqClient.archive").toHaveLength(1);
    expect(await client.delete(queue, [ids[1]!]), "PgmqClient.delete").toHaveLength(1);
    expect(await count(pool(), `SELECT count(*) AS n FROM pgmq.a_${queue}`), `a_${queue} rows`).toBe(1);
  });

  // PGMQ has insert-notify from 1.7 (pgmq.enable_notify_insert); before, workers only poll.
  if (!isAtLeast(version, "1.7.0")) {
    it("d:notify: PGMQ before 1.7 has no pgmq.enable_notify_insert, so workers poll", async () => {
      expect(await hasFunction(pool(), "pgmq.enable_notify_insert(text)")).toBe(false);
      expect(await hasFunction(pool(), "pgmq.notify_queue_listeners()")).toBe(false);
    });
  } else {
    it("d:notify: after pgmq.enable_notify_insert, a worker polling every 60 s wakes on pgmq.send (LISTEN)", async () => {
      const queue = "theirs_notify";
      expect(await hasFunction(pool(), "pgmq.notify_queue_listeners()"), "PGMQ 1.7+ has insert-notify").toBe(true);
      await pool().query("SELECT pgmq.create($1::text)", [queue]);
      await pool().query("SELECT pgmq.enable_notify_insert($1::text)", [queue]);
      const seen: bigint[] = [];
      const worker = createQueueWorker(
        [definition(queue)],
        { [queue]: (_job: unknown, ctx: JobContext) => void seen.push(ctx.msgId) },
        {
          pool: pool(),
          pollInterval: 60_000,
          logger: false,
          listen: true,
          shutdownTimeout: 2000,
        },
      );
      await worker.start();
      try {
        await sleep(500); // let the first (empty) poll pass and LISTEN settle
        for (let round = 0; round < 3; round++) {
          const before = seen.length;
          await pool().query("SELECT pgmq.send($1::text, $2::jsonb)", [queue, JSON.stringify({ round })]);
          await waitFor(
            `LISTEN wake-up on pgmq.send (round ${round}; poll interval 60 s)`,
            () => seen.length > before,
            5000,
          );
          await sleep(400); // past PGMQ's default 250 ms throttle
        }
      } finally {
        await worker.stop();
      }
    });
  }
});

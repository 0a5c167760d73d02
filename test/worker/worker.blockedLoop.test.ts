/**
 * Round two #7: handlers that block the event loop (CPU-bound, synchronous)
 * past the visibility timeout, in two worker processes. The heartbeat cannot
 * run while the loop is blocked, so the message reappears and the other
 * worker may run the job too (documented at `visibilityTimeout`). What must
 * hold: each job is archived once and none is lost (with every ack fenced,
 * each run was taken over before it acked and the last job was killed after
 * 21 runs; so the first run to finish archives, see `QueueAcks`); every run
 * ends either in the one written ack (`job:complete`) or in a reported
 * `AckLostError`; and the blocked handler is reported with the fix. That a
 * stale holder's kill or retry never touches a job another worker holds is
 * tested in worker.lostLease.test.ts.
 *
 * Round two (hostile) #2: a finished job's done ack went out only after the
 * next handler, started in the same turn, stopped blocking the loop, so the
 * job reappeared and ran again, even in one process. What must hold: a
 * worker sends a finished job's ack before it starts its next handler, and
 * never runs a job it finished again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { archivedIds, queueRows, testQueue, waitFor } from "./support/workerTestQueue.js";

const fixture = fileURLToPath(new URL("./fixtures/workerProcess.ts", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

const db = useTestDatabase("worker_blocked_loop");
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

type Line = Record<string, unknown>;

function spawnWorker(queue: string, env: Record<string, string>): { lines: Line[]; child: ChildProcess } {
  const child = spawn(process.execPath, ["--conditions=pgmq-gen-source", "--import", "tsx", fixture], {
    cwd: root,
    env: { ...process.env, WORKER_DATABASE_URL: db.url, WORKER_QUEUE: queue, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line) as Line);
    } catch {
      lines.push({ event: "output", line });
    }
  });
  child.stderr!.on("data", (chunk) => lines.push({ event: "stderr", text: String(chunk) }));
  return { lines, child };
}

describe("round two #7: handlers that block the event loop past the visibility timeout", () => {
  it("round two #7: in two worker processes, each job is archived once, none is lost, one job:complete per job, every other run's ack reported lost", async () => {
    const name = "blocked_loop";
    const definition = testQueue(name, { visibilityTimeout: 1 });
    await db.pgmq.ensureQueue(name);
    const env = { WORKER_VISIBILITY_TIMEOUT: "1", WORKER_BATCH_SIZE: "1", WORKER_MAX_RETRIES: "20" };
    const workers = [spawnWorker(name, env), spawnWorker(name, env)];
    await waitFor(
      () => workers.every((worker) => worker.lines.some((line) => line.event === "ready")),
      30_000,
      "both workers ready",
    );
    const ids = await db.pgmq.sendBatch(
      name,
      Array.from({ length: 4 }, (_, n) => definition.codec.encode({ n, busyMs: 2200 })),
    );
    const all = () => workers.flatMap((worker) => worker.lines);
    const of = (event: string) => all().filter((line) => line.event === event);
    const summary = async () =>
      JSON.stringify({
        archived: (await archivedIds(db.pool, name)).map(String),
        queued: (await queueRows(db.pool, name)).map((row) => [String(row.msgId), row.readCt]),
        starts: of("start").map((line) => `${line.msgId}/${line.attempt}`),
        completes: of("complete").map((line) => line.msgId),
      });
    await waitFor(
      async () =>
        (await archivedIds(db.pool, name)).length === ids.length && (await queueRows(db.pool, name)).length === 0,
      60_000,
      "every job archived",
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await summary()}`);
    });
    // Let the last stale holders finish their runs and report.
    await waitFor(
      () =>
        of("start").length ===
        of("complete").length + of("error").filter((line) => line.name === "AckLostError").length,
      20_000,
      "every run to end in a written ack or a reported lost ack",
    );
    for (const worker of workers) worker.child.kill("SIGKILL");

    const starts = of("start");
    const completes = of("complete");
    const errors = of("error");
    // Each job archived exactly once, nothing left behind.
    expect(await archivedIds(db.pool, name)).toEqual(ids);
    expect(await queueRows(db.pool, name)).toEqual([]);
    // One job:complete per job, over both processes: only the first finished run's ack was written.
    expect(completes.map((line) => line.msgId).sort()).toEqual(ids.map(String).sort());
    // Every other run's ack was found stale and reported.
    const lost = errors.filter((line) => line.name === "AckLostError");
    expect(starts.length).toBe(completes.length + lost.length);
    for (const line of lost) expect(line.message).toMatch(/blocked_loop message \d+/);
    // A handler that blocked the loop past the timeout is reported with the fix.
    const warnings = errors.filter((line) => line.name === "LeaseExpiredWarning");
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]!.message).toMatch(/event loop was blocked for about \d+(\.\d+)? s.*visibilityTimeout of 1 s/);
    expect(warnings[0]!.message).toContain("worker thread");
    expect(all().filter((line) => line.event === "stderr")).toEqual([]);
  }, 120_000);

  /**
   * For every job, the run whose done ack was written: its ack reached the
   * database (`archived_at`, same clock on this machine) before that
   * process's next handler had run 1 s of its 3 s busy loop. An ack that
   * waited behind the next handler lands ~3 s after it started.
   */
  async function expectAckedBeforeNextStart(queues: string[], workers: Array<{ lines: Line[] }>): Promise<void> {
    const archivedAt = new Map<string, number>();
    for (const queue of queues) {
      const { rows } = await db.pool.query(
        `SELECT msg_id::text AS msg_id, (extract(epoch FROM archived_at) * 1000)::float8 AS at FROM pgmq.a_${queue}`,
      );
      for (const row of rows) archivedAt.set(`${queue}/${row.msg_id}`, row.at);
    }
    for (const { lines } of workers) {
      for (const complete of lines.filter((line) => line.event === "complete")) {
        const queue = (complete.queue as string | undefined) ?? queues[0]!;
        // A process runs each job once (asserted by the tests), so the run of the written ack is its one run there.
        const endIndex = lines.findIndex(
          (line) => line.event === "end" && line.queue === queue && line.msgId === complete.msgId,
        );
        const nextStart = lines.slice(endIndex).find((line) => line.event === "start");
        if (nextStart === undefined) continue;
        const lateBy = archivedAt.get(`${queue}/${complete.msgId}`)! - (nextStart.at as number);
        const why = `${queue} message ${complete.msgId} acked ${lateBy} ms after the next start: ${JSON.stringify(lines)}`;
        expect(lateBy, why).toBeLessThan(1000);
      }
    }
  }

  it("round two (hostile) #2: one process, concurrency 1, 3 s busy handlers and a 2 s visibility timeout: each job runs exactly once, its ack sent before the next handler", async () => {
    const name = "blocked_once";
    const definition = testQueue(name, { visibilityTimeout: 2 });
    await db.pgmq.ensureQueue(name);
    const ids = await db.pgmq.sendBatch(
      name,
      Array.from({ length: 3 }, (_, n) => definition.codec.encode({ n, busyMs: 3000 })),
    );
    const worker = spawnWorker(name, { WORKER_VISIBILITY_TIMEOUT: "2", WORKER_CONCURRENCY: "1" });
    const of = (event: string) => worker.lines.filter((line) => line.event === event);
    const summary = async () =>
      JSON.stringify({
        archived: (await archivedIds(db.pool, name)).map(String),
        queued: (await queueRows(db.pool, name)).map((row) => [String(row.msgId), row.readCt]),
        lines: worker.lines,
      });
    await waitFor(
      async () =>
        (await archivedIds(db.pool, name)).length === ids.length && (await queueRows(db.pool, name)).length === 0,
      40_000,
      "every job archived",
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await summary()}`);
    });
    // A run started after the last archive would show up within a poll interval plus a busy loop.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    worker.child.kill("SIGKILL");

    // Each job started once: a finished job is never run again by the process that finished it.
    expect(
      of("start").map((line) => line.msgId),
      await summary(),
    ).toEqual(ids.map(String));
    expect(of("complete").map((line) => line.msgId)).toEqual(ids.map(String));
    expect(of("error").filter((line) => line.name === "AckLostError")).toEqual([]);
    // A read sent alongside the ack may still return the finished message (its read_ct grows): it is dropped, not run.
    await expectAckedBeforeNextStart([name], [worker]);
  }, 90_000);

  it("round two (hostile) #2: two processes, concurrency 1, 3 s busy handlers and a 2 s visibility timeout: each process sends a finished job's ack before its next handler and never runs a job it finished", async () => {
    const name = "blocked_two";
    const definition = testQueue(name, { visibilityTimeout: 2 });
    await db.pgmq.ensureQueue(name);
    const env = { WORKER_VISIBILITY_TIMEOUT: "2", WORKER_CONCURRENCY: "1", WORKER_MAX_RETRIES: "20" };
    const workers = [spawnWorker(name, env), spawnWorker(name, env)];
    await waitFor(
      () => workers.every((worker) => worker.lines.some((line) => line.event === "ready")),
      30_000,
      "both workers ready",
    );
    const ids = await db.pgmq.sendBatch(
      name,
      Array.from({ length: 4 }, (_, n) => definition.codec.encode({ n, busyMs: 3000 })),
    );
    const summary = async () =>
      JSON.stringify({
        archived: (await archivedIds(db.pool, name)).map(String),
        queued: (await queueRows(db.pool, name)).map((row) => [String(row.msgId), row.readCt]),
        lines: workers.map((worker) => worker.lines),
      });
    await waitFor(
      async () =>
        (await archivedIds(db.pool, name)).length === ids.length && (await queueRows(db.pool, name)).length === 0,
      60_000,
      "every job archived",
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${await summary()}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    for (const worker of workers) worker.child.kill("SIGKILL");

    expect(await archivedIds(db.pool, name)).toEqual(ids);
    const completes = workers.flatMap((worker) => worker.lines.filter((line) => line.event === "complete"));
    expect(completes.map((line) => line.msgId).sort()).toEqual(ids.map(String).sort());
    // Within one process, a job it finished is not started again.
    for (const worker of workers) {
      const started = worker.lines.filter((line) => line.event === "start").map((line) => line.msgId);
      expect(new Set(started).size, await summary()).toBe(started.length);
    }
    await expectAckedBeforeNextStart([name], workers);
  }, 120_000);

  it("round two (hostile) #2: one process, two queues sharing concurrency 1, 3 s busy handlers and a 2 s visibility timeout: one queue's handler does not hold back the other's ack, each job runs once", async () => {
    const names = ["blocked_mix_a", "blocked_mix_b"];
    const definition = testQueue(names[0]!, { visibilityTimeout: 2 });
    for (const name of names) await db.pgmq.ensureQueue(name);
    for (const name of names) {
      await db.pgmq.sendBatch(
        name,
        [0, 1].map((n) => definition.codec.encode({ n, busyMs: 3000 })),
      );
    }
    const worker = spawnWorker(names.join(","), { WORKER_VISIBILITY_TIMEOUT: "2", WORKER_CONCURRENCY: "1" });
    const summary = () => JSON.stringify(worker.lines);
    const allArchived = async () => {
      for (const name of names) {
        if ((await archivedIds(db.pool, name)).length !== 2) return false;
        if ((await queueRows(db.pool, name)).length !== 0) return false;
      }
      return true;
    };
    await waitFor(allArchived, 40_000, "every job archived").catch((error: Error) => {
      throw new Error(`${error.message}: ${summary()}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 3500));
    worker.child.kill("SIGKILL");

    const starts = worker.lines.filter((line) => line.event === "start").map((line) => `${line.queue}/${line.msgId}`);
    expect(starts.length, summary()).toBe(4);
    expect(new Set(starts).size, summary()).toBe(4);
    await expectAckedBeforeNextStart(names, [worker]);
  }, 90_000);
});

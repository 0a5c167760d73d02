/**
 * The dashboard's parts that need no server (issue 15 §5): escaping, the
 * Host and cookie rules, the token rule, the depth samples kept, the
 * charts' words, and the throughput history's merge against PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import type { QueueStatus } from "../../packages/runtime/src/queueStatus.js";
import { cookieValue, hostAllowed, isLoopbackHost, tokenProblem } from "../../src/dashboard/actionAccess.js";
import { depthSummary, throughputSummary } from "../../src/dashboard/charts.js";
import { DepthHistory } from "../../src/dashboard/depthHistory.js";
import { html } from "../../src/dashboard/html.js";
import { THROUGHPUT_MINUTES, ThroughputHistory } from "../../src/dashboard/throughputHistory.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";

const db = useTestDatabase("dashboard_parts");

function status(queue: string, visible: number, inFlight: number, exists = true): QueueStatus {
  return {
    queue,
    exists,
    visible,
    inFlight,
    delayed: 0,
    oldestAgeSeconds: null,
    deadLettered: null,
    archived: 0,
    completedLastMinute: 0,
    completedLastHour: 0,
    approximate: {},
  };
}

describe("dashboard parts", () => {
  it("issue 15 #11: html escapes every interpolated value, nested lists included, and keeps its own markup", () => {
    const hostile = `<script>alert("x")</script>&'`;
    const out =
      html`<p title="${hostile}">${[hostile, html`<b>${hostile}</b>`]}${null}${undefined}${false}${3}</p>`.toString();
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">' +
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</b>3</p>",
    );
  });

  it.each([
    ["127.0.0.1:5050", true, true],
    ["localhost:5050", true, true],
    ["LOCALHOST:5050", true, true],
    ["[::1]:5050", true, true],
    ["127.1.2.3:5050", true, true],
    ["localhost", true, true],
    ["evil.example:5050", true, false],
    ["127.0.0.1.evil.example:5050", true, false],
    ["localhost:5051", true, false],
    ["localhost:5050:1", true, false],
    [undefined, true, false],
    ["", true, false],
    ["evil.example:5050", false, true],
  ] as const)("issue 15 #11: Host %s on a loopback dashboard (%s): allowed %s", (host, loopback, allowed) => {
    expect(hostAllowed(host, loopback, 5050)).toBe(allowed);
  });

  it("issue 15 #11: loopback addresses are told from others", () => {
    expect(["127.0.0.1", "127.9.9.9", "::1", "localhost"].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(["0.0.0.0", "10.0.0.1", "::", "example.com"].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });

  it("issue 15 #11: a cookie's value is found among others, and not by a prefix of its name", () => {
    expect(cookieValue("a=1; pgmq_gen_dashboard=xyz; b=2", "pgmq_gen_dashboard")).toBe("xyz");
    expect(cookieValue("pgmq_gen_dashboard_x=1", "pgmq_gen_dashboard")).toBeNull();
    expect(cookieValue(undefined, "pgmq_gen_dashboard")).toBeNull();
  });

  it("issue 15 #11: a token given in the environment must be 16 printable characters or more", () => {
    expect(tokenProblem("short")).toMatch(/at least 16 characters/);
    expect(tokenProblem("sixteen chars ok")).toMatch(/printable ASCII/);
    expect(tokenProblem("0123456789abcdef")).toBeNull();
  });

  it("issue 15 #11: depth samples are spaced, kept for the span only, and skip queues without a table", () => {
    const history = new DepthHistory({ spanMs: 60_000, minSpacingMs: 5000 });
    const t0 = Date.parse("2026-12-01T00:00:00Z");
    history.record([status("a", 1, 0), status("b", 0, 0, false)], new Date(t0));
    history.record([status("a", 2, 0)], new Date(t0 + 1000));
    history.record([status("a", 3, 1)], new Date(t0 + 6000));
    history.record([status("a", 4, 2)], new Date(t0 + 65_000));
    const samples = history.samples("a", new Date(t0 + 65_000));
    expect(samples.map((sample) => sample.visible)).toEqual([3, 4]);
    expect(history.samples("b", new Date(t0))).toEqual([]);
    expect(depthSummary(samples, 60_000, new Date(t0 + 65_000))).toMatch(/visible now 4, at most 4; in flight now 2/);
  });

  it("issue 15 #11: the throughput chart's words give the total, the peak and the current minute", () => {
    const buckets = [3, 0, 7, 2].map((count, index) => ({ start: new Date(index * 60_000), count }));
    expect(throughputSummary(buckets)).toBe(
      "Jobs completed per minute over the last 4 minutes: 12 in all, at most 7 in one minute, 2 so far this minute.",
    );
  });

  it("issue 15 #11: the throughput history reads the hour once, then only the recent minutes, and merges them", async () => {
    // The buckets are the database's minutes: a run that straddles a minute's end is run again (once at most).
    const minute = async () =>
      (await db.pool.query<{ m: Date }>("SELECT date_trunc('minute', now()) AS m")).rows[0]!.m.getTime();
    for (let run = 1; ; run++) {
      const queue = `work_${run}`;
      const startedIn = await minute();
      const outcome = await throughputRun(queue);
      if ((await minute()) === startedIn || run === 2) {
        expect(outcome).toEqual({ first: [2, 4], second: [5, 4, 9], fresh: 9 });
        return;
      }
    }
  });
});

async function throughputRun(queue: string) {
  await db.pgmq.ensureQueue(queue);
  let nextId = 1_000_000;
  const archive = async (minutesAgo: number, count: number) => {
    const base = nextId;
    nextId += count;
    await db.pool.query(
      `INSERT INTO pgmq.a_${queue} (msg_id, read_ct, enqueued_at, vt, message, archived_at)
       SELECT $3 + g, 1, now(), now(), '{}'::jsonb, date_trunc('minute', now()) - make_interval(mins => $1) + interval '1 second'
         FROM generate_series(1, $2) AS g`,
      [minutesAgo, count, base],
    );
  };
  await archive(30, 4);
  await archive(0, 2);
  const history = new ThroughputHistory();
  const first = (await history.read(queue, db.pool))!;
  expect(first).toHaveLength(THROUGHPUT_MINUTES);
  // A row backdated into a minute read already is not read again (ended minutes do not change)...
  await archive(30, 5);
  // ...while the current minute is.
  await archive(0, 3);
  const second = (await history.read(queue, db.pool))!;
  expect(second).toHaveLength(THROUGHPUT_MINUTES);
  // A fresh history reads the whole hour: the backdated rows are there.
  const fresh = (await new ThroughputHistory().read(queue, db.pool))!;
  return {
    first: [first.at(-1)!.count, first.at(-31)!.count],
    second: [second.at(-1)!.count, second.at(-31)!.count, second.reduce((sum, bucket) => sum + bucket.count, 0)],
    fresh: fresh.at(-31)!.count,
  };
}

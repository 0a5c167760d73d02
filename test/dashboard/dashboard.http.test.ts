/**
 * The dashboard's HTTP server in-process (issue 15 §5), hit with fetch and
 * node:http: every route's status and figures for seeded data, bad
 * addresses, escaping of hostile payloads, headers and reasons, the
 * security headers, the Host check, who may act (token, cookie, Origin,
 * Sec-Fetch-Site), the confirm flow, a failing database, and close().
 */
import { createServer as createTcpServer, connect as tcpConnect, type Server, type Socket } from "node:net";
import { Agent, request } from "node:http";
import { spawn } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type Dashboard, MAX_FORM_BYTES, startDashboard } from "../../src/dashboard/server.js";
import { DashboardQueues } from "../../src/dashboard/dashboardQueues.js";
import { escapeHtml } from "../../src/dashboard/html.js";
import type { PgmqGenConfig } from "../../src/config/types.js";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import { createTempProject, packageRoot } from "../config/tempProject.js";
import { deadLetterOne, rowsOf } from "../cli/deadLetterSeed.js";
import {
  type Answer,
  collectingLogger,
  fetchPage,
  httpRequest,
  overviewFigures,
  postForm,
  rawExchange,
} from "./dashboardHttp.js";

// Every comparison of a secret goes through timingSafeEqual: the spy counts them (the module is otherwise node's).
const timingSafeEqual = vi.hoisted(() => ({ calls: 0 }));
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      timingSafeEqual.calls++;
      return actual.timingSafeEqual(a, b);
    },
  };
});

const db = useTestDatabase("dashboard_http");

const config = {
  queues: {
    email: { schema: { type: "object" }, deadLetter: "email_dlq" },
    plain: { schema: { type: "object" } },
    welcome: { schema: { type: "object" }, onSuccess: "delete" },
    never_pushed: { schema: { type: "object" } },
    bulk: { schema: { type: "object" } },
    orphan: { schema: { type: "object" }, deadLetter: "orphan_dlq" },
  },
} as unknown as PgmqGenConfig;
const queues = DashboardQueues.fromConfig(config);

const SCRIPT = "<script>alert(1)</script>";
const ATTRIBUTE = '"><img src=x onerror=alert(1)>';
const UNICODE = "Grüße ✓ 日本語 🎉 \u200b\u2028 ﷽";
const TOKEN = "dashboard-http-test-token-0123456789";

const logger = collectingLogger();
let readOnly: Dashboard;
let acting: Dashboard;
/** The session cookie the acting dashboard gives for TOKEN. */
let cookie: string;

/** email's seeded ids, by what they are. */
const seeded = {
  visible: [] as bigint[],
  hostile: 0n,
  inFlight: 0n,
  delayed: 0n,
  archived: [] as bigint[],
  deadLetters: [] as bigint[],
};

async function seedEmail(): Promise<void> {
  await db.pool.query("DELETE FROM pgmq.q_email; DELETE FROM pgmq.a_email; DELETE FROM pgmq.q_email_dlq");
  seeded.archived = await db.pgmq.sendBatch("email", [{ n: 6 }, { n: 7 }]);
  await db.pgmq.read("email", 30, 2);
  await db.pgmq.archive("email", seeded.archived);
  seeded.inFlight = await db.pgmq.send("email", { n: 4 });
  await db.pgmq.read("email", 600, 1);
  seeded.hostile = await db.pgmq.send(
    "email",
    { n: 1, html: SCRIPT, attr: ATTRIBUTE, text: UNICODE },
    { headers: { trace: SCRIPT, note: ATTRIBUTE, text: UNICODE } },
  );
  seeded.visible = [seeded.hostile, ...(await db.pgmq.sendBatch("email", [{ n: 2 }, { n: 3 }]))];
  seeded.delayed = await db.pgmq.send("email", { n: 5 }, { delay: 3600 });
  seeded.deadLetters = [];
  for (const [n, reason] of [
    [8, `Error: ${SCRIPT} ${ATTRIBUTE} ${UNICODE} \u0001\u001b[31m\u007f\u0085 end`],
    [9, "TimeoutError: connect ETIMEDOUT"],
  ] as const) {
    const letter = await deadLetterOne(db.pgmq, db.pool, "email", "email_dlq", {
      payload: { n, html: SCRIPT },
      reason,
    });
    seeded.deadLetters.push(letter.id);
  }
}

beforeAll(async () => {
  for (const queue of ["email", "email_dlq", "plain", "welcome"]) await db.pgmq.ensureQueue(queue);
  await db.pgmq.send("welcome", { n: 1 });
  await seedEmail();
  const pool = db.openPool({ max: 4 });
  pool.on("error", () => undefined);
  readOnly = await startDashboard({ queues, db: pool, logger, host: "127.0.0.1", port: 0 });
  acting = await startDashboard({ queues, db: pool, logger, host: "127.0.0.1", port: 0, actions: { token: TOKEN } });
  const unlocked = await fetchPage(acting.origin, `/unlock?token=${TOKEN}`);
  cookie = unlocked.headers.get("set-cookie")!.split(";")[0]!;
});
afterAll(async () => {
  await readOnly?.close();
  await acting?.close();
});

const get = (path: string, init: RequestInit = {}) => fetchPage(readOnly.origin, path, init);

describe("issue 15 #10: dashboard routes", () => {
  it("issue 15 #10: the overview lists every queue of the config with its figures (email: 3 visible, 1 in flight, 1 delayed, 2 dead-lettered, 2 archived)", async () => {
    const overview = await get("/");
    expect(overview.status).toBe(200);
    expect(overview.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const [visible, inFlight, delayed, oldest, deadLettered, archived, doneMinute, doneHour] = overviewFigures(
      overview.text,
      "email",
    );
    expect({ visible, inFlight, delayed, deadLettered, archived, doneMinute, doneHour }).toEqual({
      visible: "3",
      inFlight: "1",
      delayed: "1",
      deadLettered: "2",
      archived: "2",
      doneMinute: "2",
      doneHour: "2",
    });
    expect(oldest).toMatch(/^\d+s$/);
    expect(overviewFigures(overview.text, "email_dlq").slice(0, 1)).toEqual(["2"]);
    expect(overview.text).toContain('<a href="/queues/never_pushed">never_pushed</a></th><td colspan');
    expect(overview.text).toContain('<a href="/queues/welcome">welcome</a>');
  });

  it("issue 15 #10: a queue's page lists its messages by state, with the ids of each state and links to their jobs", async () => {
    const ids = (text: string) =>
      [...text.matchAll(/<th scope="row"><a href="\/queues\/email\/jobs\/(\d+)">/g)].map((m) => m[1]);
    const visible = await get("/queues/email");
    expect(visible.status).toBe(200);
    expect(ids(visible.text)).toEqual(seeded.visible.map(String));
    const inFlight = await get("/queues/email?state=in_flight");
    expect(ids(inFlight.text)).toEqual([String(seeded.inFlight)]);
    const delayed = await get("/queues/email?state=delayed");
    expect(ids(delayed.text)).toEqual([String(seeded.delayed)]);
    const after = await get(`/queues/email?after=${seeded.visible[0]}`);
    expect(ids(after.text)).toEqual(seeded.visible.slice(1).map(String));
    const before = await get(`/queues/email?before=${seeded.visible[2]}`);
    expect(ids(before.text)).toEqual(seeded.visible.slice(0, 2).map(String));
    expect((await get("/queues/never_pushed")).text).toContain("No queue table yet.");
  });

  it("issue 15 #10: the dead-letter browser, a dead letter's page, a job's page and the job lookup answer for seeded ids", async () => {
    const list = await get("/queues/email/dead-letters");
    expect(list.status).toBe(200);
    expect(list.text).toContain("<strong>2</strong> dead letters of");
    for (const id of seeded.deadLetters) expect(list.text).toContain(`href="/queues/email/dead-letters/${id}"`);
    const filtered = await get("/queues/email/dead-letters?reason=ETIMEDOUT");
    expect(filtered.text).toContain("<strong>1</strong> dead letter of");
    const letter = await get(`/queues/email/dead-letters/${seeded.deadLetters[1]}`);
    expect(letter.status).toBe(200);
    expect(letter.text).toContain("TimeoutError: connect ETIMEDOUT");
    const job = await get(`/queues/email/jobs/${seeded.inFlight}`);
    expect(job.status).toBe(200);
    expect(job.text).toContain("in flight: read and not visible again yet");
    const archived = await get(`/queues/email/jobs/${seeded.archived[0]}`);
    expect(archived.text).toContain("archived: done");
    const lookup = await get(`/queues/email/jobs?id=${seeded.delayed}`);
    expect(lookup.status).toBe(303);
    expect(lookup.headers.get("location")).toBe(`/queues/email/jobs/${seeded.delayed}`);
  });

  it("issue 15 #10: an unknown queue, an unknown path and a bad id are 404s; a queue without a dead-letter queue has no browser", async () => {
    for (const path of [
      "/queues/nope",
      "/queues/nope/dead-letters",
      "/queues/plain/dead-letters",
      "/nothing",
      "/queues",
      "/queues/email/jobs/999999",
      "/queues/email/dead-letters/999999",
    ]) {
      expect([path, (await get(path)).status]).toEqual([path, 404]);
    }
  });

  it("issue 15 #10: bad ids (abc, 0, 99999999999999999999, -1) in paths are 404s, in queries 400s; never a 500", async () => {
    for (const bad of ["abc", "0", "99999999999999999999", "-1", "1e3", "%00", "9223372036854775808"]) {
      expect([bad, (await get(`/queues/email/jobs/${bad}`)).status]).toEqual([bad, 404]);
      expect([bad, (await get(`/queues/email/dead-letters/${bad}`)).status]).toEqual([bad, 404]);
      expect([bad, (await get(`/queues/email/jobs?id=${bad}`)).status]).toEqual([bad, 400]);
      expect([bad, (await get(`/queues/email?after=${bad}`)).status]).toEqual([bad, 400]);
      expect([bad, (await get(`/queues/email?before=${bad}`)).status]).toEqual([bad, 400]);
      expect([bad, (await get(`/queues/email/dead-letters?after=${bad}`)).status]).toEqual([bad, 400]);
    }
    expect((await get("/queues/email?state=archived")).status).toBe(400);
    expect((await get("/queues/email?after=1&before=5")).status).toBe(400);
    expect((await get("/queues/email/dead-letters?older-than=forever")).status).toBe(400);
    expect((await get(`/queues/email/dead-letters?reason=${"x".repeat(1001)}`)).status).toBe(400);
    expect(logger.lines.filter((line) => line.level === "error")).toEqual([]);
  });

  it("issue 15 #10: PUT, DELETE and PATCH are 405s; POST to a page is a 405; HEAD of a page is a 200 without a body", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      expect((await get("/", { method })).status).toBe(405);
      expect((await get("/queues/email", { method })).status).toBe(405);
    }
    expect((await postForm(readOnly.origin, "/queues/email", [])).status).toBe(405);
    const head = await get("/queues/email", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
  });
});

describe("issue 15 #10: escaping", () => {
  const escapedScript = escapeHtml(SCRIPT);
  const escapedImage = "&lt;img src=x onerror=alert(1)&gt;";
  const noMarkup = (text: string) => {
    expect(text).not.toContain(SCRIPT);
    expect(text).not.toContain("<img");
    expect(text).not.toContain(ATTRIBUTE);
  };

  it("issue 15 #10: a payload and headers holding markup are escaped on the job page and in the queue's list; unicode is kept", async () => {
    const job = await get(`/queues/email/jobs/${seeded.hostile}`);
    noMarkup(job.text);
    expect(job.text).toContain(escapedScript);
    expect(job.text).toContain(`\\&quot;&gt;${escapedImage}`);
    expect(job.text).toContain(UNICODE);
    // The headers block shows them too.
    expect(job.text.split(escapedScript).length - 1).toBeGreaterThanOrEqual(2);
    const list = await get("/queues/email");
    noMarkup(list.text);
    expect(list.text).toContain(`&quot;html&quot;:&quot;${escapedScript}`);
  });

  it("issue 15 #10: a dead letter's reason holding markup and control characters is escaped in the browser and on its page", async () => {
    const list = await get("/queues/email/dead-letters");
    noMarkup(list.text);
    expect(list.text).toContain(`Error: ${escapedScript} &quot;&gt;${escapedImage} ${UNICODE}`);
    const letter = await get(`/queues/email/dead-letters/${seeded.deadLetters[0]}`);
    noMarkup(letter.text);
    expect(letter.text).toContain(`Error: ${escapedScript} &quot;&gt;${escapedImage}`);
  });

  it("issue 15 #10: a filter typed with markup is shown back escaped in the form's value", async () => {
    const filtered = await get(`/queues/email/dead-letters?reason=${encodeURIComponent(ATTRIBUTE)}`);
    expect(filtered.status).toBe(200);
    noMarkup(filtered.text);
    expect(filtered.text).toContain(`value="&quot;&gt;${escapedImage}"`);
  });

  it("issue 15 #10: a queue-name-looking path holding markup is escaped in the 404 page", async () => {
    for (const name of [SCRIPT, ATTRIBUTE, UNICODE]) {
      const answer = await get(`/queues/${encodeURIComponent(name)}`);
      expect(answer.status).toBe(404);
      noMarkup(answer.text);
      expect(answer.text).toContain(escapeHtml(name).slice(0, 40));
    }
    // Unencoded, as a hand-written client may send it: node:http passes the path as is.
    const raw = await httpRequest(readOnly.port, {
      path: `/queues/"><img%20src=x%20onerror=alert(1)>`,
      headers: { host: `127.0.0.1:${readOnly.port}` },
    });
    expect(raw.status).toBe(404);
    noMarkup(raw.text);
    expect(raw.text).toContain(`&quot;&gt;${escapedImage}`);
  });
});

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};

describe("issue 15 #10: headers and assets", () => {
  it("issue 15 #10: every answer (page, asset, redirect, 4xx, 405, 421) carries the security headers", async () => {
    const answers = [
      await get("/"),
      await get("/assets/dashboard.css"),
      await get("/assets/dashboard.js"),
      await get(`/queues/email/jobs?id=${seeded.delayed}`),
      await get("/nothing"),
      await get("/queues/email/jobs/abc"),
      await get("/", { method: "DELETE" }),
      await postForm(readOnly.origin, "/queues/email/dead-letters/redrive", [["scope", "matching"]]),
    ];
    for (const answer of answers) {
      const headers = Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, answer.headers.get(name)]));
      expect([answer.status, headers]).toEqual([answer.status, SECURITY_HEADERS]);
    }
    const misdirected = await httpRequest(readOnly.port, { path: "/", headers: { host: "evil.example" } });
    expect(misdirected.status).toBe(421);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(misdirected.headers[name]).toBe(value);
  });

  it("issue 15 #10: the style sheet and the script are served with their content types; pages load nothing else", async () => {
    const css = await get("/assets/dashboard.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.text.length).toBeGreaterThan(100);
    const js = await get("/assets/dashboard.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.text).toContain('"use strict"');
    const overview = (await get("/")).text;
    expect(
      [...overview.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((url) => /^(https?:)?\/\//.test(url!)),
    ).toEqual([]);
    expect(overview).not.toMatch(/<script>|\sstyle="|\son[a-z]+="/);
  });
});

describe("issue 15 #10: the Host check", () => {
  const withHost = (dashboard: Dashboard, host: string) =>
    httpRequest(dashboard.port, { path: "/", headers: { host } });

  it("issue 15 #10: bound to 127.0.0.1, only localhost and 127.0.0.1 with the dashboard's port pass; another name or port is a 421", async () => {
    const port = readOnly.port;
    expect((await withHost(readOnly, `localhost:${port}`)).status).toBe(200);
    expect((await withHost(readOnly, `127.0.0.1:${port}`)).status).toBe(200);
    expect((await withHost(readOnly, `LOCALHOST:${port}`)).status).toBe(200);
    for (const host of [
      `evil.example:${port}`,
      "evil.example",
      `127.0.0.1:${port + 1}`,
      `localhost:${port + 1}`,
      `127.0.0.1.evil.example:${port}`,
      `localhost.evil.example:${port}`,
      `evil.example@127.0.0.1:${port}`,
    ]) {
      const answer = await withHost(readOnly, host);
      expect([host, answer.status]).toEqual([host, 421]);
      expect(answer.text).toContain("Wrong host");
    }
    // No Host at all (HTTP/1.0).
    expect(await rawExchange(port, "GET / HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 421 /);
  });

  it("issue 15 #10: bound to 0.0.0.0, any Host passes (the operator chose the names)", async () => {
    const pool = db.openPool({ max: 1 });
    const open = await startDashboard({ queues, db: pool, logger, host: "0.0.0.0", port: 0 });
    try {
      expect(open.origin).toBe(`http://127.0.0.1:${open.port}`);
      for (const host of [`evil.example:${open.port}`, "dashboard.internal", `127.0.0.1:${open.port}`])
        expect([host, (await withHost(open, host)).status]).toEqual([host, 200]);
    } finally {
      await open.close();
    }
  });
});

describe("issue 15 #10: who may act", () => {
  beforeEach(seedEmail);
  const dlqIds = async () => (await rowsOf(db.pool, "email_dlq")).map((row) => row.msgId);
  const confirmAll: [string, string][] = [
    ["scope", "matching"],
    ["confirm", "yes"],
  ];

  it("issue 15 #10: a read-only dashboard refuses every action (403) and moves nothing, even with a bearer token", async () => {
    for (const path of [
      "/queues/email/dead-letters/redrive",
      "/queues/email/dead-letters/purge",
      `/queues/email/jobs/${seeded.delayed}/cancel`,
    ]) {
      const refused = await postForm(readOnly.origin, path, confirmAll, { authorization: `Bearer ${TOKEN}` });
      expect([path, refused.status]).toEqual([path, 403]);
      expect(refused.text).toContain("read-only");
    }
    expect(await dlqIds()).toEqual(seeded.deadLetters);
    expect((await rowsOf(db.pool, "email")).length).toBe(5);
    expect((await get("/unlock")).status).toBe(403);
    const unlock = await get(`/unlock?token=${TOKEN}`);
    expect(unlock.status).toBe(403);
    expect(unlock.headers.get("set-cookie")).toBeNull();
  });

  it("issue 15 #10: actions allowed: no cookie, a wrong bearer, a made-up cookie or the token as the cookie are 403s and move nothing", async () => {
    const path = "/queues/email/dead-letters/redrive";
    const refusals: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${"x".repeat(TOKEN.length)}` },
      { authorization: `Bearer ${TOKEN}`.toLowerCase() },
      { authorization: TOKEN },
      { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}` },
      { cookie: `pgmq_gen_dashboard=${TOKEN}` },
      { cookie: "pgmq_gen_dashboard=" },
      { cookie: `${cookie}x` },
      { cookie: cookie.replace("pgmq_gen_dashboard", "other") },
      // A wrong bearer is not saved by a right cookie.
      { cookie, authorization: "Bearer wrong" },
    ];
    for (const headers of refusals) {
      const answer = await postForm(acting.origin, path, confirmAll, headers);
      expect([headers, answer.status]).toEqual([headers, 403]);
    }
    expect(await dlqIds()).toEqual(seeded.deadLetters);
    expect(logger.lines.some((line) => line.message.includes("redrive refused (no-token)"))).toBe(true);
  });

  it("issue 15 #10: Authorization: Bearer <token> acts", async () => {
    const done = await postForm(acting.origin, "/queues/email/dead-letters/purge", confirmAll, {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/queues/email/dead-letters?done=purge&count=2");
    expect(await dlqIds()).toEqual([]);
  });

  it("issue 15 #10: the unlock link sets an HttpOnly, SameSite=Strict session cookie and redirects to /; the cookie then acts; a wrong token is a 403", async () => {
    const unlocked = await fetchPage(acting.origin, `/unlock?token=${encodeURIComponent(TOKEN)}`);
    expect(unlocked.status).toBe(303);
    expect(unlocked.headers.get("location")).toBe("/");
    const setCookie = unlocked.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^pgmq_gen_dashboard=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(setCookie).not.toContain(TOKEN);
    const session = setCookie.split(";")[0]!;
    const page = await fetchPage(acting.origin, "/", { headers: { cookie: session } });
    expect(page.text).toContain("Actions allowed");
    const done = await postForm(
      acting.origin,
      "/queues/email/dead-letters/redrive",
      [
        ["scope", "selected"],
        ["id", String(seeded.deadLetters[0])],
        ["confirm", "yes"],
      ],
      { cookie: session, origin: acting.origin, "sec-fetch-site": "same-origin" },
    );
    expect(done.status).toBe(303);
    expect(await dlqIds()).toEqual([seeded.deadLetters[1]]);

    for (const wrong of [`${TOKEN}x`, "", TOKEN.slice(0, -1), `${TOKEN.slice(0, -1)}Y`]) {
      const refused = await fetchPage(acting.origin, `/unlock?token=${encodeURIComponent(wrong)}`);
      expect([wrong, refused.status, refused.headers.get("set-cookie")]).toEqual([wrong, 403, null]);
    }
    const posted = await postForm(acting.origin, "/unlock", [["token", TOKEN]], { origin: acting.origin });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("set-cookie")).toBe(setCookie);
    const wrongPost = await postForm(acting.origin, "/unlock", [["token", "nope"]]);
    expect([wrongPost.status, wrongPost.headers.get("set-cookie")]).toEqual([403, null]);
  });

  it("issue 15 #10: opened as http://localhost:<port>, the dashboard unlocks and acts from its own pages (Origin http://localhost:<port>)", async () => {
    const host = `localhost:${acting.port}`;
    const unlocked = await httpRequest(acting.port, { path: `/unlock?token=${TOKEN}`, headers: { host } });
    expect(unlocked.status).toBe(303);
    const session = String(unlocked.headers["set-cookie"]).split(";")[0]!;
    const posted = await httpRequest(acting.port, {
      method: "POST",
      path: "/queues/email/dead-letters/purge",
      headers: {
        host,
        origin: `http://${host}`,
        "sec-fetch-site": "same-origin",
        cookie: session,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "scope=matching&confirm=yes",
    });
    expect([posted.status, posted.headers.location]).toEqual([303, "/queues/email/dead-letters?done=purge&count=2"]);
    expect(await dlqIds()).toEqual([]);
    // Another loopback name's Origin is still another origin.
    const across = await httpRequest(acting.port, {
      method: "POST",
      path: "/unlock",
      headers: {
        host,
        origin: `http://127.0.0.1:${acting.port + 1}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: `token=${TOKEN}`,
    });
    expect(across.status).toBe(403);
  });

  it("issue 15 #10: an action on a queue or dead-letter queue without a table is a 404 that says to migrate, not a 503", async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    for (const [path, fields] of [
      ["/queues/orphan/dead-letters/redrive", [["scope", "matching"]]],
      [
        "/queues/orphan/dead-letters/purge",
        [
          ["scope", "matching"],
          ["confirm", "yes"],
        ],
      ],
      ["/queues/never_pushed/jobs/1/cancel", []],
      ["/queues/never_pushed/jobs/1/cancel", [["confirm", "yes"]]],
    ] as [string, [string, string][]][]) {
      const answer = await postForm(acting.origin, path, fields, headers);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.text).toContain("pgmq-gen migrate");
    }
    expect((await get("/queues/orphan/dead-letters")).status).toBe(200);
  });

  it("issue 15 #10: a POST with another site's Origin or Sec-Fetch-Site: cross-site is a 403 even with the cookie or the bearer", async () => {
    const path = "/queues/email/dead-letters/purge";
    const refusals: Record<string, string>[] = [
      { cookie, origin: "http://evil.example" },
      { cookie, origin: "null" },
      { cookie, origin: `${acting.origin}.evil.example` },
      { cookie, "sec-fetch-site": "cross-site" },
      { cookie, "sec-fetch-site": "same-site" },
      { authorization: `Bearer ${TOKEN}`, origin: "http://evil.example" },
    ];
    for (const headers of refusals) {
      const answer = await postForm(acting.origin, path, confirmAll, headers);
      expect([headers, answer.status]).toEqual([headers, 403]);
    }
    const unlock = await postForm(acting.origin, "/unlock", [["token", TOKEN]], { origin: "http://evil.example" });
    expect([unlock.status, unlock.headers.get("set-cookie")]).toEqual([403, null]);
    expect(await dlqIds()).toEqual(seeded.deadLetters);
  });

  it("issue 15 #10: no GET changes anything: the action paths answer GET and HEAD with 404 or 405, whatever the query and credentials", async () => {
    const before = await rowsOf(db.pool, "email");
    const credentials = { cookie, authorization: `Bearer ${TOKEN}` };
    for (const path of [
      "/queues/email/dead-letters/redrive?scope=matching&confirm=yes",
      "/queues/email/dead-letters/purge?scope=matching&confirm=yes",
      `/queues/email/jobs/${seeded.delayed}/cancel?confirm=yes`,
      `/queues/email/dead-letters/${seeded.deadLetters[0]}/purge?confirm=yes`,
    ]) {
      for (const method of ["GET", "HEAD"]) {
        const answer = await fetchPage(acting.origin, path, { method, headers: credentials });
        expect([path, method, [404, 405].includes(answer.status)]).toEqual([path, method, true]);
      }
    }
    expect(await dlqIds()).toEqual(seeded.deadLetters);
    expect(await rowsOf(db.pool, "email")).toEqual(before);
  });
});

describe("issue 15 #10: the confirm flow", () => {
  beforeEach(seedEmail);
  const dlqIds = async () => (await rowsOf(db.pool, "email_dlq")).map((row) => row.msgId);
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const act = (path: string, fields: [string, string][] | string, headers: Record<string, string> = bearer) =>
    postForm(acting.origin, `/queues/email${path}`, fields, headers);

  it("issue 15 #10: a POST without confirm changes nothing and asks, with the count; confirm=yes acts and 303s to the page saying so", async () => {
    const asked = await act("/dead-letters/redrive", [
      ["scope", "matching"],
      ["reason", "ETIMEDOUT"],
    ]);
    expect(asked.status).toBe(200);
    expect(asked.text).toContain("Redrive 1 dead letter</button>");
    expect(asked.text).toContain('<input type="hidden" name="confirm" value="yes">');
    expect(await dlqIds()).toEqual(seeded.deadLetters);
    const done = await act("/dead-letters/redrive", [
      ["scope", "matching"],
      ["reason", "ETIMEDOUT"],
      ["confirm", "yes"],
    ]);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/queues/email/dead-letters?done=redrive&count=1");
    expect(await dlqIds()).toEqual([seeded.deadLetters[0]]);
    const notice = await fetchPage(acting.origin, done.headers.get("location")!);
    expect(notice.text).toContain('<p class="notice" role="status">Moved 1 dead letter back to the queue.</p>');
    expect(logger.lines.some((line) => line.message === "dashboard: redrove 1 dead letter of email")).toBe(true);
  });

  it("issue 15 #10: scope=selected without an id, a bad id, 10001 ids or a bad scope are 400s; nothing moves", async () => {
    const many = Array.from({ length: 10_001 }, (_, index) => ["id", String(index + 1)] as [string, string]);
    for (const fields of [
      [
        ["scope", "selected"],
        ["confirm", "yes"],
      ],
      [
        ["scope", "selected"],
        ["id", "abc"],
        ["confirm", "yes"],
      ],
      [
        ["scope", "selected"],
        ["id", "0"],
        ["confirm", "yes"],
      ],
      [["scope", "selected"], ...many, ["confirm", "yes"]],
      [
        ["scope", "everything"],
        ["confirm", "yes"],
      ],
      [["confirm", "yes"]],
      [
        ["scope", "matching"],
        ["older-than", "soon"],
        ["confirm", "yes"],
      ],
    ] as [string, string][][]) {
      const answer = await act("/dead-letters/purge", fields);
      expect([fields.slice(0, 3), answer.status]).toEqual([fields.slice(0, 3), 400]);
    }
    expect(await dlqIds()).toEqual(seeded.deadLetters);
  });

  it("issue 15 #10: a form not urlencoded is a 415; a body over 256 KiB is a 413 (declared or streamed) and the server answers on", async () => {
    const json = await fetchPage(acting.origin, "/queues/email/dead-letters/purge", {
      method: "POST",
      body: JSON.stringify({ scope: "matching", confirm: "yes" }),
      headers: { ...bearer, "content-type": "application/json" },
    });
    expect(json.status).toBe(415);
    const multipart = new FormData();
    multipart.set("scope", "matching");
    multipart.set("confirm", "yes");
    const form = await fetchPage(acting.origin, "/queues/email/dead-letters/purge", {
      method: "POST",
      body: multipart,
      headers: bearer,
    });
    expect(form.status).toBe(415);
    const big = `scope=matching&confirm=yes&reason=${"x".repeat(MAX_FORM_BYTES)}`;
    expect((await act("/dead-letters/purge", big)).status).toBe(413);
    // Chunked: no Content-Length to refuse up front, so the server counts as it reads.
    const streamed = await fetchPage(acting.origin, "/queues/email/dead-letters/purge", {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode("x".repeat(16 * 1024)));
          controller.close();
        },
      }),
      headers: { ...bearer, "content-type": "application/x-www-form-urlencoded" },
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await dlqIds()).toEqual(seeded.deadLetters);
    // The connection the 413 left is not reused half-read: the next requests of the same client all answer.
    for (let i = 0; i < 3; i++) expect((await fetchPage(acting.origin, "/assets/dashboard.css")).status).toBe(200);
    expect(await dlqIds()).toEqual(seeded.deadLetters);
    expect((await get("/")).status).toBe(200);
  });

  it("issue 15 #10: cancel of a queued job deletes it; of an in-flight one without force is a 409 and deletes nothing, with force deletes it", async () => {
    const queued = seeded.visible[1]!;
    const asked = await act(`/jobs/${queued}/cancel`, []);
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(`Cancel job ${queued}</button>`);
    const cancelled = await act(`/jobs/${queued}/cancel`, [["confirm", "yes"]]);
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get("location")).toBe(`/queues/email?done=cancel&id=${queued}&was=queued&cancelled=yes`);
    // Where the redirect leads says so (its state was once read as the queue page's tab: a 400).
    const landed = await get(cancelled.headers.get("location")!);
    expect(landed.status).toBe(200);
    expect(landed.text).toContain(`Cancelled job ${queued} (it was queued).`);
    expect((await rowsOf(db.pool, "email")).map((row) => row.msgId)).not.toContain(queued);
    expect((await get(`/queues/email/jobs/${queued}`)).status).toBe(404);

    const inFlight = seeded.inFlight;
    const refused = await act(`/jobs/${inFlight}/cancel`, []);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("cannot be cancelled");
    const unforced = await act(`/jobs/${inFlight}/cancel`, [["confirm", "yes"]]);
    expect(unforced.status).toBe(303);
    expect(unforced.headers.get("location")).toBe(
      `/queues/email/jobs/${inFlight}?done=cancel&id=${inFlight}&was=in_flight&cancelled=no`,
    );
    expect((await rowsOf(db.pool, "email")).map((row) => row.msgId)).toContain(inFlight);
    const forced = await act(`/jobs/${inFlight}/cancel`, [
      ["force", "yes"],
      ["confirm", "yes"],
    ]);
    expect(forced.status).toBe(303);
    expect((await rowsOf(db.pool, "email")).map((row) => row.msgId)).not.toContain(inFlight);
    // An archived job is not cancelled; an id that is not there is a 404.
    expect((await act(`/jobs/${seeded.archived[0]}/cancel`, [])).status).toBe(409);
    expect((await act("/jobs/999999/cancel", [])).status).toBe(404);
    expect((await act("/jobs/abc/cancel", [["confirm", "yes"]])).status).toBe(404);
  });
});

/** A TCP proxy to the test server that can be taken down and brought back on the same port. */
/** A TCP proxy to the test's server (wherever DATABASE_URL, or the embedded server, put it). */
class DatabaseProxy {
  #server: Server | null = null;
  readonly #sockets = new Set<Socket>();
  readonly #target: { host: string; port: number };
  port = 0;

  constructor(databaseUrl: string) {
    const url = new URL(databaseUrl);
    this.#target = { host: url.hostname || "127.0.0.1", port: Number(url.port || "5432") };
  }

  async up(): Promise<void> {
    const server = createTcpServer((client) => {
      const upstream = tcpConnect(this.#target.port, this.#target.host);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
        socket.on("close", () => this.#sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  }
}

/** Resolves once `sql` (a count) is at least 1, polling. */
async function waitFor(sql: string, values: unknown[] = []): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const { rows } = await db.pool.query<{ n: number }>(sql, values);
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`waited in vain for ${sql}`);
}

describe("issue 15 #10: a failing database", () => {
  it("issue 15 #10: with the database unreachable every page is a 503 naming the failure and a logged line; the server answers again once it is back", async () => {
    const proxy = new DatabaseProxy(db.url);
    await proxy.up();
    const url = new URL(db.url);
    url.host = `127.0.0.1:${proxy.port}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 1000 });
    pool.on("error", () => undefined);
    const failures = collectingLogger();
    const dashboard = await startDashboard({ queues, db: pool, logger: failures, port: 0, sampleIntervalMs: 600_000 });
    try {
      expect((await fetchPage(dashboard.origin, "/")).status).toBe(200);
      await proxy.down();
      for (const path of ["/", "/queues/email", "/queues/email/dead-letters", `/queues/email/jobs/${seeded.hostile}`]) {
        const page = await fetchPage(dashboard.origin, path);
        expect([path, page.status]).toEqual([path, 503]);
        expect(page.text).toContain("The database did not answer");
        expect(page.text).toMatch(/Reading the queues failed: .*(connection refused|terminated|timeout)/);
      }
      expect(failures.lines.filter((line) => line.level === "error").length).toBeGreaterThanOrEqual(4);
      expect(failures.lines[0]!.message).toMatch(/^dashboard: GET \/ failed: /);
      // Static parts need no database.
      expect((await fetchPage(dashboard.origin, "/assets/dashboard.css")).status).toBe(200);
      await proxy.up();
      expect((await fetchPage(dashboard.origin, "/")).status).toBe(200);
      expect((await fetchPage(dashboard.origin, "/queues/email")).status).toBe(200);
    } finally {
      await dashboard.close();
      await pool.end();
      await proxy.down();
    }
  });

  it("issue 15 #10: a connection terminated mid-statement (pg_terminate_backend) is a 503 for that page; the next one is answered", async () => {
    const pool = db.openPool({ max: 4, application_name: "dashboard_http_victim" });
    pool.on("error", () => undefined);
    const failures = collectingLogger();
    const dashboard = await startDashboard({ queues, db: pool, logger: failures, port: 0, sampleIntervalMs: 600_000 });
    const locker = await db.pool.connect();
    try {
      await fetchPage(dashboard.origin, "/");
      await locker.query("BEGIN; LOCK TABLE pgmq.q_email IN ACCESS EXCLUSIVE MODE");
      const pending = fetchPage(dashboard.origin, "/queues/email");
      const waiting =
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dashboard_http_victim' AND wait_event_type = 'Lock'";
      await waitFor(waiting);
      await db.pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dashboard_http_victim'",
      );
      const page = await pending;
      expect(page.status).toBe(503);
      expect(page.text).toMatch(/terminat/i);
      expect(
        failures.lines.some((line) => line.level === "error" && /GET \/queues\/email failed/.test(line.message)),
      ).toBe(true);
      await locker.query("COMMIT");
      expect((await fetchPage(dashboard.origin, "/queues/email")).status).toBe(200);
    } finally {
      await locker.query("ROLLBACK").catch(() => undefined);
      locker.release();
      await dashboard.close();
    }
  });

  it("issue 15 #10: twelve pages at once on a pool of 4 held by a lock all end in 503s within the statement timeout, never hang; assets answer meanwhile", async () => {
    const pool = db.openPool({ max: 4, statement_timeout: 1000, connectionTimeoutMillis: 2500 });
    pool.on("error", () => undefined);
    const dashboard = await startDashboard({
      queues,
      db: pool,
      logger: collectingLogger(),
      port: 0,
      sampleIntervalMs: 600_000,
    });
    const locker = await db.pool.connect();
    try {
      await fetchPage(dashboard.origin, "/");
      await locker.query("BEGIN; LOCK TABLE pgmq.q_email IN ACCESS EXCLUSIVE MODE");
      const started = Date.now();
      const pages = Array.from({ length: 12 }, (_, index) =>
        fetchPage(dashboard.origin, index % 2 === 0 ? "/queues/email" : "/"),
      );
      const css = await fetchPage(dashboard.origin, "/assets/dashboard.css");
      expect(css.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(500);
      const answers = await Promise.all(pages);
      expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(503));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(answers[0]!.text).toMatch(/statement timeout|timeout exceeded/);
      await locker.query("COMMIT");
      expect((await fetchPage(dashboard.origin, "/queues/email")).status).toBe(200);
    } finally {
      await locker.query("ROLLBACK").catch(() => undefined);
      locker.release();
      await dashboard.close();
    }
  });
});

describe("issue 15 #10: close()", () => {
  it("issue 15 #10: close() resolves at once with a keep-alive connection open, and leaves no timer behind", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const before = timers();
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const dashboard = await startDashboard({ queues, db: pool, logger: collectingLogger(), port: 0 });
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      request({ agent, port: dashboard.port, host: "127.0.0.1", path: "/" }, (response) => {
        response.resume();
        response.on("end", resolve);
      })
        .on("error", reject)
        .end(),
    );
    expect(agent.freeSockets).not.toEqual({});
    const started = Date.now();
    await dashboard.close();
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
    await pool.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("issue 15 #10: a process that starts the dashboard, is answered on a keep-alive connection, closes it and ends its pool exits on its own", async () => {
    const project = await createTempProject("dashboard-close");
    try {
      const server = path.join(packageRoot, "src/dashboard/server.ts");
      const queuesModule = path.join(packageRoot, "src/dashboard/dashboardQueues.ts");
      await project.write(
        "close.ts",
        `import { Agent, get } from "node:http";
import pg from "pg";
import { startDashboard } from ${JSON.stringify(server)};
import { DashboardQueues } from ${JSON.stringify(queuesModule)};
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
const quiet = { debug() {}, info() {}, warn() {}, error(_f: unknown, m: string) { console.error(m); } };
const queues = new DashboardQueues([{ queue: "email", deadLetter: null, isDeadLetterQueue: false }]);
const dashboard = await startDashboard({ queues, db: pool, logger: quiet, port: 0, sampleIntervalMs: 50 });
const agent = new Agent({ keepAlive: true });
await new Promise((resolve) => get({ agent, port: dashboard.port, host: "127.0.0.1", path: "/" }, (r) => { r.resume(); r.on("end", resolve); }));
await new Promise((resolve) => setTimeout(resolve, 200));
await dashboard.close();
await pool.end();
console.log("closed");
`,
      );
      const child = spawn(
        process.execPath,
        ["--conditions=pgmq-gen-source", "--import", "tsx", project.path("close.ts")],
        { cwd: packageRoot, env: { ...process.env, DATABASE_URL: db.url }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        child.on("close", (exit) => {
          clearTimeout(timer);
          resolve(exit);
        });
      });
      expect([code, output.trim()]).toEqual([0, "closed"]);
    } finally {
      await project.remove();
    }
  });
});

describe("issue 15 #10: hostile requests and data", () => {
  it("issue 15 #10: 5 MB payloads: the job page is cut at 200,000 characters and the list previews at 120, pages stay bounded", async () => {
    await db.pool.query("DELETE FROM pgmq.q_plain");
    // Markup characters, which escaping makes longest.
    const huge = "<".repeat(5 * 1024 * 1024);
    const ids = await db.pgmq.sendBatch("plain", [{ huge }, { huge }, { huge }]);
    const job = await get(`/queues/plain/jobs/${ids[0]}`);
    expect(job.status).toBe(200);
    expect(job.text).toMatch(/Cut at 200,000 of 5,24\d,\d{3} characters/);
    expect(Buffer.byteLength(job.text)).toBeLessThan(1_000_000);
    const list = await get("/queues/plain");
    expect(list.status).toBe(200);
    expect(Buffer.byteLength(list.text)).toBeLessThan(40_000);
    // Over 16 KB stored, a listed payload is not read at all (maxPayloadBytes): its size is shown instead.
    expect(list.text).toMatch(/<code class="preview">\(\d+\.\d KB stored: open it to see\)<\/code>/);
    expect(list.text).not.toContain("&lt;&lt;&lt;");
    await db.pgmq.sendBatch("plain", [{ small: "<".repeat(200) }]);
    const mixed = await get("/queues/plain");
    expect(mixed.text).toContain(`<code class="preview">{&quot;small&quot;:&quot;${"&lt;".repeat(110)}…</code>`);
    await db.pool.query("DELETE FROM pgmq.q_plain");
  });

  it("issue 15 #10: a queue of 100,000 messages pages fast from either end and the middle", async () => {
    await db.pgmq.ensureQueue("bulk");
    await db.pool.query(
      "INSERT INTO pgmq.q_bulk (vt, message) SELECT now() - interval '1 minute', jsonb_build_object('n', g) FROM generate_series(1, 100000) AS g",
    );
    await db.pool.query("ANALYZE pgmq.q_bulk");
    const { rows } = await db.pool.query<{ low: string; high: string }>(
      "SELECT min(msg_id)::text AS low, max(msg_id)::text AS high FROM pgmq.q_bulk",
    );
    const low = BigInt(rows[0]!.low);
    const high = BigInt(rows[0]!.high);
    for (const path of [
      "/queues/bulk",
      `/queues/bulk?after=${low + 50_000n}`,
      `/queues/bulk?before=${high + 1n}`,
      `/queues/bulk?after=${high}`,
      "/",
    ]) {
      const started = Date.now();
      const page = await get(path);
      expect([path, page.status]).toEqual([path, 200]);
      expect([path, Date.now() - started < 1500]).toEqual([path, true]);
    }
    const middle = await get(`/queues/bulk?after=${low + 50_000n}`);
    expect(middle.text).toContain(`href="/queues/bulk/jobs/${low + 50_001n}"`);
    expect(middle.text).toContain('rel="prev"');
    expect(middle.text).toContain('rel="next"');
    expect(overviewFigures((await get("/")).text, "bulk")[0]).toMatch(/^~?[\d,]+\+?$/);
  });

  it("issue 15 #10: traversal-looking and double-encoded paths reach nothing but the routes", async () => {
    const send = (target: string) =>
      rawExchange(
        readOnly.port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${readOnly.port}\r\nConnection: close\r\n\r\n`,
      );
    for (const target of [
      "/queues/..%2f..",
      "/queues/..%2F..%2Fetc%2Fpasswd",
      "/assets/..%2fpackage.json",
      "/assets/dashboard.css/..%2f..%2fpackage.json",
      "/assets/%2e%2e/%2e%2e/package.json",
      "/queues/%2565mail",
      "/queues/email%00",
      "/queues/email%2fjobs%2f1",
      "/assets//dashboard.css",
    ]) {
      const answer = await send(target);
      expect([target, answer.slice(0, 12)]).toEqual([target, "HTTP/1.1 404"]);
      expect(answer).not.toContain('"name": "pgmq-gen"');
    }
    // Dot segments are resolved before routing: at most another page of the dashboard.
    for (const target of ["/assets/../", "/queues/email/../../"])
      expect([target, (await send(target)).slice(0, 12)]).toEqual([target, "HTTP/1.1 200"]);
    expect((await get("/queues/%65mail")).status).toBe(200);
  });

  it("issue 15 #10: a request target that is not a URL the server can parse is a 400, not a 503 blaming the database", async () => {
    const answer = await rawExchange(
      readOnly.port,
      `GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${readOnly.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.slice(0, 12)).toBe("HTTP/1.1 400");
    expect(answer).not.toContain("database");
  });

  it("issue 15 #10: CR LF in fields never reaches a header: redirects carry only their own encoded values", async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const done = await postForm(
      acting.origin,
      "/queues/email/dead-letters/redrive",
      [
        ["scope", "matching"],
        ["reason", "nothing\r\nSet-Cookie: evil=1\r\nLocation: http://evil.example"],
        ["confirm", "yes"],
      ],
      headers,
    );
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/queues/email/dead-letters?done=redrive&count=0");
    expect(done.headers.get("set-cookie")).toBeNull();
    const lookup = await get("/queues/email/jobs?id=1%0d%0aSet-Cookie:%20evil=1");
    expect([lookup.status, lookup.headers.get("set-cookie")]).toEqual([400, null]);
    const unlock = await fetchPage(acting.origin, `/unlock?token=${encodeURIComponent(`${TOKEN}\r\nX-Evil: 1`)}`);
    expect([unlock.status, unlock.headers.get("x-evil")]).toEqual([403, null]);
  });

  it("issue 15 #10: a client that sends its headers a byte at a time is cut off after the headers timeout (408), and others are answered meanwhile", async () => {
    const socket = tcpConnect(readOnly.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString("latin1")));
    socket.on("error", () => undefined);
    const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
    const started = Date.now();
    const drip = setInterval(() => socket.write("X"), 500);
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${readOnly.port}\r\nX-Slow: `);
    expect((await get("/assets/dashboard.css")).status).toBe(200);
    const end = await closed;
    clearInterval(drip);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(end - started).toBeGreaterThanOrEqual(9_500);
    expect(end - started).toBeLessThan(14_000);
  }, 30_000);

  it("issue 15 #10: every comparison of the token and the session cookie is in constant time (timingSafeEqual)", async () => {
    const wrongToken = `${TOKEN.slice(0, -1)}!`;
    const wrongSession = `${cookie.slice(0, -1)}${cookie.endsWith("A") ? "B" : "A"}`;
    const attempts: (() => Promise<Answer>)[] = [
      () => fetchPage(acting.origin, `/unlock?token=${wrongToken}`),
      () => postForm(acting.origin, "/unlock", [["token", wrongToken]]),
      () =>
        postForm(acting.origin, "/queues/email/dead-letters/purge", [["scope", "matching"]], {
          authorization: `Bearer ${wrongToken}`,
        }),
      () =>
        postForm(acting.origin, "/queues/email/dead-letters/purge", [["scope", "matching"]], {
          cookie: wrongSession,
        }),
    ];
    for (const attempt of attempts) {
      const before = timingSafeEqual.calls;
      expect((await attempt()).status).toBe(403);
      expect(timingSafeEqual.calls).toBeGreaterThan(before);
    }
  });
});

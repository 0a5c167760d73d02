/**
 * The dashboard in a real browser (issue 15 #9): Chromium, driven by
 * playwright-core, against the server started in-process over this file's
 * own PostgreSQL database. What a user sees (the overview's figures, live
 * refresh), what a user does (unlock, redrive, purge, cancel, each through
 * its confirmation page), what is refused (no token, a wrong one, a
 * read-only dashboard, another site's Origin), and that the pages work
 * without JavaScript and pass axe-core. Each test has queues of its own.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { BrowserContext, BrowserContextOptions, Locator, Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { deadLetterOne, rowsOf, type SeededDeadLetter } from "../cli/deadLetterSeed.js";
import {
  type DashboardUnderTest,
  seedQueueStates,
  useBrowser,
  useDashboardFixture,
} from "./support/dashboardFixture.js";

const fixture = useDashboardFixture("dashboard_browser");
const { db } = fixture;
const chromium = useBrowser();

const contexts: BrowserContext[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

/** A page in a fresh browser context (its own cookies), closed after the test. */
async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await chromium.browser.newContext(options);
  context.setDefaultTimeout(10_000);
  contexts.push(context);
  return context.newPage();
}

/** Opens the link `--allow-actions` prints; it must land on `/` with the token gone from the address. */
async function unlock(page: Page, dashboard: DashboardUnderTest): Promise<void> {
  const response = await page.goto(`${dashboard.origin}/unlock?token=${encodeURIComponent(dashboard.token!)}`);
  expect(response?.status()).toBe(200);
  expect(response?.request().redirectedFrom()?.url()).toContain("/unlock?token=");
  expect(page.url()).toBe(`${dashboard.origin}/`);
  expect(page.url()).not.toContain(dashboard.token!);
  await page.getByText("Actions allowed").waitFor();
}

/** The cell of `table` in the row whose header is `row` and the column headed `column`. */
async function cellOf(table: Locator, row: string, column: string): Promise<Locator> {
  const headings = (await table.getByRole("columnheader").allTextContents()).map((text) => text.trim());
  const index = headings.indexOf(column);
  if (index < 1) throw new Error(`no column "${column}" after the row headers; the columns are ${headings.join(", ")}`);
  const rowHeader = table.page().getByRole("rowheader", { name: row, exact: true });
  return table
    .getByRole("row")
    .filter({ has: rowHeader })
    .getByRole("cell")
    .nth(index - 1);
}

/** The text of the `<dd>` after the `<dt>` that says `term`, on a record page. */
function recordValue(page: Page, term: string): Locator {
  return page.locator("dl.record").locator(`dt:text-is("${term}") + dd`);
}

/** Posts a form from inside the page (same origin, the page's cookies): what a script on the page could do. */
function postFromPage(page: Page, path: string, fields: [string, string][]): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ path, fields }) => {
      const response = await fetch(path, { method: "POST", body: new URLSearchParams(fields) });
      return { status: response.status, text: await response.text() };
    },
    { path, fields },
  );
}

/** Serves `body` at `http://localhost:<port>/`: another site than the dashboard's `http://127.0.0.1:<port>`. */
async function serveAttackerPage(body: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const ids = (letters: readonly SeededDeadLetter[]) => letters.map((letter) => letter.id);
const messageIds = async (queue: string) => (await rowsOf(db.pool, queue)).map((row) => row.msgId);

/** Three dead letters of `queue`, with different reasons. */
async function seedThreeDeadLetters(queue: string, deadLetterQueue: string): Promise<SeededDeadLetter[]> {
  const seed = (n: number, reason: string) =>
    deadLetterOne(db.pgmq, db.pool, queue, deadLetterQueue, {
      payload: { n, to: `user${n}@example.com` },
      reason,
      ageSeconds: 600,
    });
  return [
    await seed(1, "Error: SMTP 550 mailbox unavailable"),
    await seed(2, 'ValidationError: /to must match format "email"'),
    await seed(3, "TimeoutError: connect ETIMEDOUT 10.0.0.7:25"),
  ];
}

describe("issue 15 #9: the overview", () => {
  it("issue 15 #9: the overview's row of a queue shows its counts and the throughput chart names the completed count; a push shows up by live refresh, without a navigation", async () => {
    const dashboard = await fixture.start({
      queues: { ov_email: { deadLetter: "ov_dlq" } },
      refreshSeconds: 1,
    });
    for (const n of [1, 2])
      await deadLetterOne(db.pgmq, db.pool, "ov_email", "ov_dlq", { payload: { n }, reason: "Error: boom" });
    await seedQueueStates(db.pgmq, "ov_email", { archived: 4, inFlight: 2, visible: 7, delayed: 3 });

    const page = await newPage();
    await page.goto(`${dashboard.origin}/`);
    const table = page.getByRole("table").filter({ hasText: "Each queue of the config" });
    const expected: [string, string][] = [
      ["Visible", "7"],
      ["In flight", "2"],
      ["Delayed", "3"],
      ["Dead-lettered", "2"],
      ["Archived", "4"],
      ["Done 1m", "4"],
      ["Done 1h", "4"],
    ];
    for (const [column, value] of expected)
      expect({ column, value: (await (await cellOf(table, "ov_email", column)).textContent())?.trim() }).toEqual({
        column,
        value,
      });
    const throughput = await cellOf(table, "ov_email", "Completed / min");
    const chart = throughput.getByRole("img");
    await expect.poll(() => chart.count()).toBe(1);
    // The chart's accessible name is its <title>: what a screen reader reads instead of the bars.
    expect(await chart.getAttribute("aria-labelledby")).toBe(await chart.locator("title").getAttribute("id"));
    expect(
      await throughput
        .getByRole("img", { name: "Jobs completed per minute over the last 60 minutes: 4 in all" })
        .count(),
    ).toBe(1);

    // Live refresh: the figures change in place; the document (and this mark in it) stays.
    await page.evaluate(() => {
      (globalThis as unknown as { pageMark: string }).pageMark = "the first document";
    });
    await db.pgmq.sendBatch("ov_email", [{ n: 100 }, { n: 101 }, { n: 102 }, { n: 103 }, { n: 104 }]);
    const visible = await cellOf(table, "ov_email", "Visible");
    await expect.poll(async () => (await visible.textContent())?.trim(), { timeout: 10_000 }).toBe("12");
    expect(await page.evaluate(() => (globalThis as unknown as { pageMark?: string }).pageMark)).toBe(
      "the first document",
    );
    expect(page.url()).toBe(`${dashboard.origin}/`);
  });
});

describe("issue 15 #9: actions from the browser", () => {
  it("issue 15 #9: unlocked by the printed link, a redrive of two selected dead letters moves exactly those two back as new messages; redrive all with a reason filter, and purge, do what their confirmation said", async () => {
    const dashboard = await fixture.start({ queues: { rd_email: { deadLetter: "rd_dlq" } }, actions: true });
    const [a, b, c] = await seedThreeDeadLetters("rd_email", "rd_dlq");
    const page = await newPage();
    await unlock(page, dashboard);

    await page.goto(`${dashboard.origin}/queues/rd_email/dead-letters`);
    await page.getByRole("checkbox", { name: `Select dead letter ${a!.id}` }).check();
    await page.getByRole("checkbox", { name: `Select dead letter ${c!.id}` }).check();
    await page.getByRole("button", { name: "Redrive selected" }).click();
    // The confirmation page: nothing has moved yet.
    await page.getByRole("heading", { name: "Redrive dead letters of rd_email?" }).waitFor();
    expect(await messageIds("rd_email")).toEqual([]);
    expect(await messageIds("rd_dlq")).toEqual(ids([a!, b!, c!]));
    await page.getByRole("button", { name: "Redrive 2 dead letters" }).click();
    await page.getByRole("status").filter({ hasText: "Moved 2 dead letters back to the queue." }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/queues/rd_email/dead-letters");

    const redriven = await rowsOf(db.pool, "rd_email");
    expect(redriven.map((row) => ({ message: row.message, readCt: row.readCt }))).toEqual([
      { message: a!.payload, readCt: 0 },
      { message: c!.payload, readCt: 0 },
    ]);
    // New messages: ids of their own, above the ones they had when killed.
    for (const row of redriven) expect(row.msgId > c!.sourceId).toBe(true);
    const left = await rowsOf(db.pool, "rd_dlq");
    expect(left.map((row) => ({ msgId: row.msgId, message: row.message }))).toEqual([
      { msgId: b!.id, message: b!.payload },
    ]);

    // Redrive all that match a reason filter.
    const seed = (n: number, reason: string) =>
      deadLetterOne(db.pgmq, db.pool, "rd_email", "rd_dlq", { payload: { n }, reason });
    const d = await seed(4, "TimeoutError: connect ETIMEDOUT 10.0.0.8:25");
    const e = await seed(5, "TimeoutError: read ETIMEDOUT");
    const f = await seed(6, "Error: SMTP 421 try again later");
    await page.goto(`${dashboard.origin}/queues/rd_email/dead-letters`);
    await page.getByLabel("Reason contains").fill("timeout");
    await page.getByRole("button", { name: "Filter", exact: true }).click();
    await page.getByText("2 dead letters of rd_email in rd_dlq match the filter.").waitFor();
    await page.getByRole("button", { name: "Redrive all 2" }).click();
    await page.getByRole("button", { name: "Redrive 2 dead letters" }).click();
    await page.getByRole("status").filter({ hasText: "Moved 2 dead letters back to the queue." }).waitFor();
    expect((await rowsOf(db.pool, "rd_email")).map((row) => row.message)).toEqual([
      a!.payload,
      c!.payload,
      d.payload,
      e.payload,
    ]);
    expect(await messageIds("rd_dlq")).toEqual(ids([b!, f]));

    // Purge one selected: gone for good, the queue untouched.
    await page.goto(`${dashboard.origin}/queues/rd_email/dead-letters`);
    await page.getByRole("checkbox", { name: `Select dead letter ${f.id}` }).check();
    await page.getByRole("button", { name: "Purge selected" }).click();
    await page.getByText("Delete 1 dead letter of rd_email from rd_dlq for good? This cannot be undone.").waitFor();
    await page.getByRole("button", { name: "Purge 1 dead letter" }).click();
    await page.getByRole("status").filter({ hasText: "Deleted 1 dead letter for good." }).waitFor();
    expect(await messageIds("rd_dlq")).toEqual(ids([b!]));
    expect(await rowsOf(db.pool, "rd_email")).toHaveLength(4);
    expect(dashboard.logLines.filter((line) => line.startsWith("info dashboard:"))).toEqual([
      "info dashboard: redrove 2 dead letters of rd_email",
      "info dashboard: redrove 2 dead letters of rd_email",
      "info dashboard: purged 1 dead letter of rd_email",
    ]);
  });
});

describe("issue 15 #9: an action without the token is refused", () => {
  const redriveAll: [string, string][] = [
    ["scope", "matching"],
    ["reason", ""],
    ["older-than", ""],
    ["confirm", "yes"],
  ];

  it("issue 15 #9: actions allowed but not unlocked: the pages offer 'Unlock actions' instead of buttons, and the page's own POST of the confirmed form is a 403 that moves nothing", async () => {
    const dashboard = await fixture.start({ queues: { lk_email: { deadLetter: "lk_dlq" } }, actions: true });
    const letters = await seedThreeDeadLetters("lk_email", "lk_dlq");
    const [job] = await db.pgmq.sendBatch("lk_email", [{ n: 1 }]);
    const page = await newPage();

    await page.goto(`${dashboard.origin}/queues/lk_email/dead-letters`);
    await page.getByRole("link", { name: "Unlock actions with the token" }).waitFor();
    expect(await page.getByRole("button", { name: /Redrive|Purge/ }).count()).toBe(0);
    expect(await page.getByRole("checkbox").count()).toBe(0);
    await page.goto(`${dashboard.origin}/queues/lk_email/jobs/${job}`);
    await page.getByRole("link", { name: "Unlock actions with the token" }).waitFor();
    expect(await page.getByRole("button", { name: "Cancel this job" }).count()).toBe(0);

    const refused = await postFromPage(page, "/queues/lk_email/dead-letters/redrive", redriveAll);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("This action needs the dashboard&#39;s token");
    const cancel = await postFromPage(page, `/queues/lk_email/jobs/${job}/cancel`, [["confirm", "yes"]]);
    expect(cancel.status).toBe(403);
    expect(await messageIds("lk_dlq")).toEqual(ids(letters));
    expect(await messageIds("lk_email")).toEqual([job]);
    expect(dashboard.logLines).toContain("warn dashboard: redrive refused (no-token)");
  });

  it("issue 15 #9: a wrong token on /unlock (the link or the form) is a 403 page that says why, and the browser stays locked", async () => {
    const dashboard = await fixture.start({ queues: { wt_email: { deadLetter: "wt_dlq" } }, actions: true });
    await seedThreeDeadLetters("wt_email", "wt_dlq");
    const page = await newPage();

    const byLink = await page.goto(`${dashboard.origin}/unlock?token=${"x".repeat(43)}`);
    expect(byLink?.status()).toBe(403);
    await page.getByRole("alert").filter({ hasText: "That is not this dashboard's token." }).waitFor();
    await page.getByLabel("Token").fill(`${dashboard.token!}-not`);
    const [byForm] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === "POST"),
      page.getByRole("button", { name: "Unlock" }).click(),
    ]);
    expect(byForm.status()).toBe(403);
    await page.getByRole("alert").filter({ hasText: "That is not this dashboard's token." }).waitFor();
    expect(await page.getByLabel("Token").getAttribute("aria-invalid")).toBe("true");

    expect(await page.context().cookies()).toEqual([]);
    await page.goto(`${dashboard.origin}/queues/wt_email/dead-letters`);
    await page.getByText("Actions locked").waitFor();
    await page.getByRole("link", { name: "Unlock actions with the token" }).waitFor();
    expect(await page.getByRole("button", { name: "Redrive selected" }).count()).toBe(0);
    expect(dashboard.logLines.filter((line) => line.includes("unlock refused"))).toHaveLength(2);
  });

  it("issue 15 #9: a read-only dashboard shows no action buttons, refuses /unlock, and answers a POST with 403", async () => {
    const dashboard = await fixture.start({ queues: { ro_email: { deadLetter: "ro_dlq" } } });
    const letters = await seedThreeDeadLetters("ro_email", "ro_dlq");
    const [job] = await db.pgmq.sendBatch("ro_email", [{ n: 1 }]);
    const page = await newPage();

    await page.goto(`${dashboard.origin}/queues/ro_email/dead-letters`);
    await page.getByText("Read-only: start the dashboard with --allow-actions to redrive or purge.").waitFor();
    expect(await page.getByRole("button", { name: /Redrive|Purge/ }).count()).toBe(0);
    expect(await page.getByRole("link", { name: /Unlock/ }).count()).toBe(0);
    await page.goto(`${dashboard.origin}/queues/ro_email/jobs/${job}`);
    await page.getByText("Read-only: start the dashboard with --allow-actions to cancel it.").waitFor();
    expect(await page.getByRole("button", { name: "Cancel this job" }).count()).toBe(0);
    expect((await page.goto(`${dashboard.origin}/unlock`))?.status()).toBe(403);

    const refused = await postFromPage(page, "/queues/ro_email/dead-letters/purge", redriveAll);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("This dashboard is read-only");
    expect((await postFromPage(page, `/queues/ro_email/jobs/${job}/cancel`, [["confirm", "yes"]])).status).toBe(403);
    expect(await messageIds("ro_dlq")).toEqual(ids(letters));
    expect(await messageIds("ro_email")).toEqual([job]);
  });

  it("issue 15 #9: a POST with another site's Origin is a 403 even with the session cookie, from a program or from the browser's own form", async () => {
    const dashboard = await fixture.start({ queues: { xo_email: { deadLetter: "xo_dlq" } }, actions: true });
    const letters = await seedThreeDeadLetters("xo_email", "xo_dlq");
    const page = await newPage();
    await unlock(page, dashboard);
    const url = `${dashboard.origin}/queues/xo_email/dead-letters/redrive`;
    const form = Object.fromEntries(redriveAll.filter(([name]) => name !== "confirm"));

    // The cookie is sent (the unconfirmed form gets its confirmation page), until the Origin is another's.
    const control = await page.context().request.post(url, { form, maxRedirects: 0 });
    expect(control.status()).toBe(200);
    expect(await control.text()).toContain("Redrive 3 dead letters");
    const foreign = await page.context().request.post(url, {
      form: { ...form, confirm: "yes" },
      headers: { Origin: "https://attacker.example" },
      maxRedirects: 0,
    });
    expect(foreign.status()).toBe(403);
    expect(await foreign.text()).toContain("its Origin is another site&#39;s");

    // Another site's page in the same browser, its form aimed at the dashboard: the browser sends
    // that site's Origin (and, SameSite=Strict, no cookie); the dashboard refuses it for the Origin.
    const attacker = await serveAttackerPage(
      `<!doctype html><html lang="en"><title>Prizes</title><form method="post" action="${url}">` +
        `<input type="hidden" name="scope" value="matching"><input type="hidden" name="confirm" value="yes">` +
        `<button type="submit">Claim your prize</button></form></html>`,
    );
    try {
      await page.goto(attacker.origin);
      const [submitted] = await Promise.all([
        page.waitForResponse((response) => response.url() === url),
        page.getByRole("button", { name: "Claim your prize" }).click(),
      ]);
      expect(submitted.status()).toBe(403);
      expect(await submitted.request().headerValue("origin")).toBe(attacker.origin);
      await page.getByRole("alert").filter({ hasText: "its Origin is another site's" }).waitFor();
    } finally {
      await attacker.close();
    }
    expect(await messageIds("xo_dlq")).toEqual(ids(letters));
    expect(await messageIds("xo_email")).toEqual([]);
    expect(dashboard.logLines.filter((line) => line === "warn dashboard: redrive refused (cross-origin)")).toHaveLength(
      2,
    );
  });
});

describe("issue 15 #9: without JavaScript", () => {
  it("issue 15 #9: with JavaScript off, unlocking by the form and a redrive of a selected dead letter work end to end (plain HTML forms)", async () => {
    const dashboard = await fixture.start({ queues: { nj_email: { deadLetter: "nj_dlq" } }, actions: true });
    const [a, b, c] = await seedThreeDeadLetters("nj_email", "nj_dlq");
    const page = await newPage({ javaScriptEnabled: false });

    await page.goto(`${dashboard.origin}/unlock`);
    await page.getByLabel("Token").fill(dashboard.token!);
    await page.getByRole("button", { name: "Unlock" }).click();
    await page.getByText("Actions allowed").waitFor();
    expect(page.url()).toBe(`${dashboard.origin}/`);
    // The script would show this button; with JavaScript off it stays hidden.
    expect(await page.getByRole("button", { name: "Pause live updates" }).count()).toBe(0);
    expect(await page.locator("[data-pause]").getAttribute("hidden")).toBe("");

    await page.getByRole("link", { name: "nj_email", exact: true }).click();
    await page.getByRole("link", { name: "Dead letters of nj_email" }).click();
    await page.getByRole("checkbox", { name: `Select dead letter ${b!.id}` }).check();
    await page.getByRole("button", { name: "Redrive selected" }).click();
    await page.getByRole("button", { name: "Redrive 1 dead letter" }).click();
    await page.getByRole("status").filter({ hasText: "Moved 1 dead letter back to the queue." }).waitFor();
    expect((await rowsOf(db.pool, "nj_email")).map((row) => ({ message: row.message, readCt: row.readCt }))).toEqual([
      { message: b!.payload, readCt: 0 },
    ]);
    expect(await messageIds("nj_dlq")).toEqual(ids([a!, c!]));
  });
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is now (WCAG 2 A/AA and best practices). */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // The dashboard's CSP (script-src 'self') refuses inline scripts: the context bypasses it for axe alone.
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    type AxeResult = {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    };
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<AxeResult> } }).axe;
    const result = await axe.run({ resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.map(String).join(" "),
        summary: node.failureSummary ?? "",
      })),
    }));
  });
}

describe("issue 15 #9: accessibility", () => {
  it("issue 15 #9: axe-core finds no violations on any page (overview, queue, dead letters, dead letter, job, confirmations, unlock), and Tab reaches the skip link first, which moves focus to main", async () => {
    const dashboard = await fixture.start({ queues: { ax_email: { deadLetter: "ax_dlq" } }, actions: true });
    const [letter] = await seedThreeDeadLetters("ax_email", "ax_dlq");
    const states = await seedQueueStates(
      db.pgmq,
      "ax_email",
      { archived: 5, inFlight: 1, visible: 3, delayed: 1 },
      (state, index) => ({ state, to: `user${index}@example.com`, subject: "Welcome" }),
    );
    const job = states.visible[0]!;
    const page = await newPage({ bypassCSP: true });
    await unlock(page, dashboard);

    const found: Record<string, AxeViolation[]> = {};
    const check = async (name: string) => {
      found[name] = await axeViolations(page);
      // Keyboard: the first Tab lands on the skip link, and following it focuses <main>.
      await page.keyboard.press("Tab");
      const first = await page.evaluate(() => {
        const active = (globalThis as unknown as { document: { activeElement: { textContent: string } | null } })
          .document.activeElement;
        return active?.textContent ?? null;
      });
      await page.keyboard.press("Enter");
      const focused = await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id,
      );
      expect({ name, first, focused }).toEqual({ name, first: "Skip to content", focused: "main" });
    };
    const visit = async (name: string, path: string) => {
      await page.goto(`${dashboard.origin}${path}`);
      await check(name);
    };

    await visit("overview", "/");
    await visit("queue", "/queues/ax_email");
    await visit("queue, in flight", "/queues/ax_email?state=in_flight");
    await visit("dead letters", "/queues/ax_email/dead-letters");
    await visit("dead letter", `/queues/ax_email/dead-letters/${letter!.id}`);
    await visit("job", `/queues/ax_email/jobs/${job}`);
    await visit("archived job", `/queues/ax_email/jobs/${states.archived[0]}`);
    await visit("unlock", "/unlock");

    await page.goto(`${dashboard.origin}/queues/ax_email/dead-letters`);
    await page.getByRole("checkbox", { name: `Select dead letter ${letter!.id}` }).check();
    await page.getByRole("button", { name: "Redrive selected" }).click();
    await page.getByRole("button", { name: "Redrive 1 dead letter" }).waitFor();
    await check("redrive confirmation");
    await page.goto(`${dashboard.origin}/queues/ax_email/jobs/${job}`);
    await page.getByRole("button", { name: "Cancel this job" }).click();
    await page.getByRole("button", { name: `Cancel job ${job}` }).waitFor();
    await check("cancel confirmation");

    // Locked, and refused: the pages a browser without the token sees.
    const locked = await newPage({ bypassCSP: true });
    await locked.goto(`${dashboard.origin}/queues/ax_email/dead-letters`);
    found["dead letters, locked"] = await axeViolations(locked);
    await locked.goto(`${dashboard.origin}/unlock?token=wrong-token-wrong-token`);
    found["unlock, wrong token"] = await axeViolations(locked);

    const withViolations = Object.fromEntries(Object.entries(found).filter(([, violations]) => violations.length > 0));
    if (Object.keys(withViolations).length > 0) console.error(JSON.stringify(withViolations, null, 2));
    expect(withViolations).toEqual({});
  });
});

describe("issue 15 #9: a job's page", () => {
  it("issue 15 #9: the job page shows a known job's state, attempts and payload, and the cancel flow deletes it (and only it) from the queue", async () => {
    const dashboard = await fixture.start({ queues: { jb_email: { deadLetter: "jb_dlq" } }, actions: true });
    const payload = { to: "ada@example.com", subject: "Welcome", n: 42 };
    const job = await db.pgmq.send("jb_email", payload, { headers: { "x-pgmq-gen-version": 2 } });
    // Two deliveries whose visibility timeout ended at once (0 s): queued again, attempts 2.
    await db.pgmq.read("jb_email", 0, 1);
    await db.pgmq.read("jb_email", 0, 1);
    const other = await db.pgmq.send("jb_email", { to: "bob@example.com", subject: "Welcome", n: 43 });
    const page = await newPage();
    await unlock(page, dashboard);

    await page.goto(`${dashboard.origin}/queues/jb_email/jobs/${job}`);
    await page.getByRole("heading", { name: `Job ${job}`, level: 1 }).waitFor();
    expect(await recordValue(page, "State").textContent()).toBe("queued: visible, a worker's next read takes it");
    expect(await recordValue(page, "Attempts").textContent()).toBe("2");
    expect(await recordValue(page, "Schema version").textContent()).toBe("2");
    expect(await recordValue(page, "Where").textContent()).toBe(`jb_email, id ${job}`);
    const shown = await page.getByRole("region", { name: "Payload" }).locator("pre").textContent();
    expect(JSON.parse(shown!)).toEqual(payload);

    await page.getByRole("button", { name: "Cancel this job" }).click();
    await page.getByRole("heading", { name: `Cancel job ${job}?` }).waitFor();
    expect(await messageIds("jb_email")).toEqual([job, other]);
    await page.getByRole("button", { name: `Cancel job ${job}` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Cancelled job ${job} (it was queued).` })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe("/queues/jb_email");
    expect(await messageIds("jb_email")).toEqual([other]);
    const { rows } = await db.pool.query("SELECT 1 FROM pgmq.a_jb_email WHERE msg_id = $1", [job.toString()]);
    expect(rows).toEqual([]);
  });
});

/**
 * Writes the dashboard's screenshots in docs/images/ (`npm run
 * docs:screenshots`; needs DATABASE_URL or a server on 127.0.0.1:5432, and
 * Chromium, as the browser tests do). It makes a throwaway database, seeds a
 * demo through the runtime's PGMQ client (an email queue that completed a
 * few hundred jobs over the last hour, with work waiting, in flight,
 * scheduled and dead-lettered; an image queue with a backlog), starts the
 * real dashboard with actions allowed, unlocks it, and photographs each page
 * at 1280 px wide, whole. Every figure shown is read from those tables; the
 * archive's `archived_at` is backdated so the throughput chart has its hour,
 * and the depth chart has what the dashboard sampled while the script ran.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import type { Page } from "playwright-core";
import { PgmqClient } from "../packages/runtime/src/pgmq.js";
import type { JsonValue } from "../packages/runtime/src/types.js";
import { newToken } from "../src/dashboard/actionAccess.js";
import { deadLetterOne } from "../test/cli/deadLetterSeed.js";
import { launchChromium } from "../test/dashboard/support/browser.js";
import { startTestDashboard } from "../test/dashboard/support/testDashboard.js";
import { createTestDatabase } from "../test/helpers/database.js";

const IMAGES = fileURLToPath(new URL("../docs/images/", import.meta.url));
const VERSION = { "x-pgmq-gen-version": 1 };
/** How long the dashboard samples depth while a worker drains the image queue. Milliseconds. */
const SAMPLING_MS = 20_000;

/** A small seeded generator, so each run draws the same demo. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEMPLATES = ["welcome", "password_reset", "receipt", "weekly_digest"];
const emailJob = (n: number) => ({
  to: `customer${n}@example.com`,
  template: TEMPLATES[n % TEMPLATES.length]!,
  locale: n % 5 === 0 ? "de-DE" : "en-GB",
  orderId: n % TEMPLATES.length === 2 ? `ord_${(48_213 + n).toString(36)}` : null,
});
const imageJob = (n: number) => ({
  imageId: `img_${(913_377 + n * 7919).toString(36)}`,
  sizes: [320, 768, 1536],
  format: "webp",
});

/** Jobs archived over the last hour: a steady load with a morning burst, varied minute to minute. */
async function seedCompleted(
  pgmq: PgmqClient,
  pool: pg.Pool,
  queue: string,
  perMinute: (minutesAgo: number) => number,
  job: (n: number) => JsonValue,
): Promise<number> {
  const draw = random(queue.length * 7919);
  const ages: number[] = [];
  for (let minutesAgo = 59; minutesAgo >= 0; minutesAgo--) {
    const count = Math.max(0, Math.round(perMinute(minutesAgo) * (0.75 + draw() * 0.5)));
    for (let index = 0; index < count; index++) ages.push(minutesAgo * 60 + Math.floor(draw() * 60));
  }
  const ids = await pgmq.sendBatch(
    queue,
    ages.map((_, n) => job(n)),
    { headers: VERSION },
  );
  await pgmq.archive(queue, ids);
  // Backdated in place: each job pushed a few seconds before it was done.
  await pool.query(
    `UPDATE pgmq.a_${queue} AS a
        SET archived_at = now() - make_interval(secs => seeded.age),
            enqueued_at = now() - make_interval(secs => seeded.age + 2 + seeded.age % 7)
       FROM unnest($1::bigint[], $2::int[]) AS seeded(msg_id, age)
      WHERE a.msg_id = seeded.msg_id`,
    [ids.map(String), ages],
  );
  return ids.length;
}

async function seedDemo(pgmq: PgmqClient, pool: pg.Pool): Promise<{ retriedJob: bigint }> {
  for (const queue of ["email", "email_dlq", "resize_image"]) await pgmq.ensureQueue(queue);

  const reasons = [
    "Error: SMTP 550 5.1.1 <customer17@example.com>: mailbox unavailable",
    "TimeoutError: connect ETIMEDOUT 10.0.4.17:587",
    'ValidationError: /to must match format "email"',
    'Error: template "receipt_v2" not found',
    "TimeoutError: connect ETIMEDOUT 10.0.4.18:587",
  ];
  for (const [index, reason] of reasons.entries())
    await deadLetterOne(pgmq, pool, "email", "email_dlq", {
      payload: { ...emailJob(900 + index), n: 900 + index },
      reason,
      attempts: reason.startsWith("ValidationError") ? 1 : 5,
      ageSeconds: [3 * 3600, 47 * 60, 26 * 60, 9 * 60, 4 * 60][index]!,
    });

  await seedCompleted(
    pgmq,
    pool,
    "email",
    (minutesAgo) => 4 + 3 * Math.sin(minutesAgo / 7) + (minutesAgo > 18 && minutesAgo < 27 ? 9 : 0),
    emailJob,
  );
  await seedCompleted(pgmq, pool, "resize_image", (minutesAgo) => (minutesAgo < 12 ? 0 : 2.5), imageJob);

  // Three being worked on, then a job retried once: read, its visibility timeout over at once,
  // waiting again with 1 attempt (read in the order messages became visible, so after the three).
  await pgmq.sendBatch(
    "email",
    Array.from({ length: 3 }, (_, n) => emailJob(510 + n)),
    { headers: VERSION },
  );
  await pgmq.read("email", 300, 3);
  const retriedJob = await pgmq.send("email", emailJob(501), { headers: VERSION });
  await pgmq.read("email", 0, 1);
  await pgmq.sendBatch(
    "email",
    Array.from({ length: 11 }, (_, n) => emailJob(520 + n)),
    { headers: VERSION },
  );
  await pgmq.sendBatch(
    "email",
    Array.from({ length: 6 }, (_, n) => emailJob(540 + n)),
    { headers: VERSION, delay: 3600 },
  );
  await pool.query(
    `UPDATE pgmq.q_email AS q SET enqueued_at = aged.at, vt = aged.at
       FROM (SELECT msg_id, now() - make_interval(secs => 40 + (msg_id % 9) * 13) AS at FROM pgmq.q_email) AS aged
      WHERE q.msg_id = aged.msg_id AND q.read_ct = 0 AND q.vt <= now()`,
  );

  // The image queue's backlog: a bulk upload waiting for its workers.
  await pgmq.sendBatch(
    "resize_image",
    Array.from({ length: 1_840 }, (_, n) => imageJob(2_000 + n)),
    { headers: VERSION },
  );
  await pgmq.read("resize_image", 600, 4);
  await pool.query(
    `UPDATE pgmq.q_resize_image AS q SET enqueued_at = aged.at, vt = aged.at
       FROM (SELECT msg_id, now() - make_interval(secs => 720 - (msg_id % 600)) AS at FROM pgmq.q_resize_image) AS aged
      WHERE q.msg_id = aged.msg_id AND q.read_ct = 0`,
  );
  return { retriedJob };
}

/** A worker at work while the dashboard samples: the backlog drains, email keeps coming. */
async function runWhileSampling(pgmq: PgmqClient): Promise<void> {
  const end = Date.now() + SAMPLING_MS;
  let n = 600;
  while (Date.now() < end) {
    const taken = await pgmq.read("resize_image", 60, 2 + (n % 3));
    await pgmq.archive(
      "resize_image",
      taken.map((message) => message.msgId),
    );
    if (n % 10 === 0) await pgmq.send("email", emailJob(n), { headers: VERSION });
    n++;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

async function shoot(page: Page, name: string): Promise<void> {
  const file = path.join(IMAGES, `dashboard-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.info(`wrote ${path.relative(process.cwd(), file)}`);
}

async function main(): Promise<void> {
  const database = await createTestDatabase("dashboard_screenshots");
  const pgmq = new PgmqClient(database.pool);
  try {
    const { retriedJob } = await seedDemo(pgmq, database.pool);
    const dashboard = await startTestDashboard({
      db: database.pool,
      queues: { email: { deadLetter: "email_dlq" }, resize_image: {} },
      actions: { token: newToken() },
      sampleIntervalMs: 1000,
    });
    const browser = await launchChromium();
    try {
      await runWhileSampling(pgmq);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${dashboard.origin}/unlock?token=${encodeURIComponent(dashboard.token!)}`);
      await page.getByText("Actions allowed").waitFor();
      await shoot(page, "overview");
      await page.goto(`${dashboard.origin}/queues/email`);
      await shoot(page, "queue");
      await page.goto(`${dashboard.origin}/queues/email/jobs/${retriedJob}`);
      await shoot(page, "job");
      await page.goto(`${dashboard.origin}/queues/email/dead-letters`);
      await shoot(page, "dead-letters");
      const boxes = page.getByRole("checkbox", { name: /^Select dead letter / });
      await boxes.nth(1).check();
      await boxes.nth(4).check();
      await page.getByRole("button", { name: "Redrive selected" }).click();
      await page.getByRole("button", { name: "Redrive 2 dead letters" }).waitFor();
      await shoot(page, "confirm-redrive");
      const errors = dashboard.logLines.filter((line) => line.startsWith("error"));
      if (errors.length > 0) throw new Error(`the dashboard logged errors:\n${errors.join("\n")}`);
    } finally {
      await browser.close();
      await dashboard.close();
    }
  } finally {
    await database.drop();
  }
}

await main();

/**
 * The test file's dashboards: its own database (`useTestDatabase`), queues
 * made on it, and dashboards started over it (testDashboard.ts), each
 * closed after the file, before the database is dropped.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { newToken } from "../../../src/dashboard/actionAccess.js";
import { launchChromium } from "./browser.js";
import { type TestDatabaseFixture, useTestDatabase } from "../../helpers/useTestDatabase.js";
import { type DashboardUnderTest, startTestDashboard, type TestDashboardOptions } from "./testDashboard.js";

export { type DashboardUnderTest, seedQueueStates } from "./testDashboard.js";

export interface DashboardFixture {
  readonly db: TestDatabaseFixture;
  /**
   * Makes the tables of every queue of `queues` (dead-letter queues
   * included) and starts a dashboard on them, closed after the file;
   * `actions: true` allows actions with a fresh token.
   */
  start(
    options: Omit<TestDashboardOptions, "db" | "actions"> & { readonly actions?: boolean },
  ): Promise<DashboardUnderTest>;
}

/** The file's database (`useTestDatabase(label)`) and the dashboards started on it. */
export function useDashboardFixture(label: string): DashboardFixture {
  const db = useTestDatabase(label);
  const running: DashboardUnderTest[] = [];
  // Registered after useTestDatabase's hooks, so it runs before the database is dropped.
  afterAll(async () => {
    await Promise.all(running.map((dashboard) => dashboard.close()));
  });
  return {
    db,
    async start(options) {
      for (const [queue, entry] of Object.entries(options.queues)) {
        await db.pgmq.ensureQueue(queue);
        if (entry.deadLetter !== undefined) await db.pgmq.ensureQueue(entry.deadLetter);
      }
      const dashboard = await startTestDashboard({
        ...options,
        db: db.pool,
        actions: options.actions === true ? { token: newToken() } : null,
      });
      running.push(dashboard);
      return dashboard;
    },
  };
}

/**
 * One browser for the test file, launched in `beforeAll` and closed in
 * `afterAll`. A browser that cannot start fails each test that asks for it,
 * with the reason (vitest would mark the tests skipped if `beforeAll` threw).
 */
export function useBrowser(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      browser = await launchChromium();
    } catch (error) {
      failure = error;
    }
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (failure !== undefined) throw failure;
      if (browser === undefined) throw new Error("useBrowser(): the browser exists only from the file's beforeAll on");
      return browser;
    },
  };
}

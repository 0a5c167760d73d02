import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import type { TempProject } from "../config/tempProject.js";
import { createFixtureProject } from "./fixtureProject.js";
import { runCli } from "./runCli.js";

let database: TestDatabase;
let project: TempProject;

beforeAll(async () => {
  database = await createTestDatabase("cli_migrate");
  project = await createFixtureProject("cli-migrate");
});
afterAll(async () => {
  await database?.drop();
  await project?.remove();
});

async function existingQueueTables(): Promise<string[]> {
  const { rows } = await database.pool.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'pgmq' AND table_name ~ '^[aq]_' ORDER BY table_name",
  );
  return rows.map((row) => row.table_name);
}

describe("pgmq-gen migrate", () => {
  it("--dry-run lists every queue and dead-letter queue and changes nothing", async () => {
    const run = await runCli(["migrate", "--dry-run", "--database-url", database.url], { cwd: project.dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n").slice(1)).toEqual(["  email", "  email_dead", "  resize_image"]);
    expect(await existingQueueTables()).toEqual([]);
  });

  it("creates every queue and dead-letter queue, and is idempotent", async () => {
    for (let run = 0; run < 2; run++) {
      const result = await runCli(["migrate"], { cwd: project.dir, env: { DATABASE_URL: database.url } });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^pgmq-gen migrate: 3 queues ready \(email, email_dead, resize_image\) \(\d+ ms\)\n$/,
      );
    }
    expect(await existingQueueTables()).toEqual([
      "a_email",
      "a_email_dead",
      "a_resize_image",
      "q_email",
      "q_email_dead",
      "q_resize_image",
    ]);
  });

  it("exits 2 when no database is given, and 1 when the server cannot be reached", async () => {
    const missing = await runCli(["migrate"], { cwd: project.dir, env: { DATABASE_URL: "" } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--database-url");
    const unreachable = await runCli(["migrate", "--database-url", "postgres://postgres@127.0.0.1:1/nowhere"], {
      cwd: project.dir,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error: migrate failed: /);
  });
});

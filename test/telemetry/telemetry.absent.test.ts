/**
 * Without `@opentelemetry/api` (an optional peer dependency) pushes and
 * workers work as before, and nothing of it is loaded. A child process runs
 * a push and a worker with a module resolve hook that records every
 * resolution of an `@opentelemetry/` package and, to stand for the package
 * being absent, fails it with ERR_MODULE_NOT_FOUND as Node does. The same
 * run with the package resolvable shows the hook does see a load when one
 * happens. (test/package/workerInstall.test.ts installs the packed runtime
 * where the package truly is absent.)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../helpers/useTestDatabase.js";

const run = promisify(execFile);
const db = useTestDatabase("telemetry_absent");
const support = path.join(import.meta.dirname, "support");
const logs = mkdtempSync(path.join(tmpdir(), "pgmq-gen-otel-"));
afterAll(() => rmSync(logs, { recursive: true, force: true }));

/** Runs support/pushAndWork.ts on queue `label`; its output and the resolutions the hook logged. */
async function pushAndWork(label: string, env: Record<string, string>) {
  const log = path.join(logs, `${label}.log`);
  writeFileSync(log, "");
  const { stdout } = await run(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      path.join(support, "registerOtelResolveHook.mjs"),
      path.join(support, "pushAndWork.ts"),
    ],
    { env: { ...process.env, DATABASE_URL: db.url, QUEUE: label, OTEL_HOOK_LOG: log, ...env }, timeout: 60_000 },
  );
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { ran: number; headers: unknown[] };
  return {
    result,
    resolutions: readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => line !== ""),
  };
}

describe("without @opentelemetry/api", () => {
  it("issue 15 #4: push, pushBatch and the worker work, one import is tried and nothing is loaded", async () => {
    const { result, resolutions } = await pushAndWork("absent_api", { OTEL_HOOK_BLOCK: "1" });
    expect(result.ran).toBe(2);
    expect(result.headers).toEqual([{ "x-pgmq-gen-version": 1 }, { "x-pgmq-gen-version": 1 }]);
    // Producer and worker share one attempt, made once; it failed, so nothing was loaded.
    expect(resolutions).toEqual(["attempt @opentelemetry/api"]);
  });

  it("issue 15 #4: configure({ telemetry: false }) never tries the import, though the package is installed", async () => {
    const { result, resolutions } = await pushAndWork("telemetry_off", { TELEMETRY_OFF: "1" });
    expect(result.ran).toBe(2);
    expect(resolutions).toEqual([]);
  });

  it("issue 15 #4: with the package installed the same run loads it (what the hook sees when a load happens)", async () => {
    const { result, resolutions } = await pushAndWork("present_api", {});
    expect(result.ran).toBe(2);
    expect(resolutions[0]).toBe("attempt @opentelemetry/api");
    expect(resolutions.some((line) => /^load file:.*\/node_modules\/@opentelemetry\/api\//.test(line))).toBe(true);
  });
});

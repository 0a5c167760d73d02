/**
 * `pgmq-gen@before`: the runtime of the commit before the deep-queue fix,
 * extracted with `git archive` into bench/.tmp/before/src/runtime/, with the
 * bench queues generated onto it by this checkout's compiler
 * (pgmqGenProject/pgmq.before.config.ts). Generated code is the same at both
 * commits; only the runtime differs, and both are driven by the one adapter
 * (adapters/pgmqGen.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { GeneratedBenchModule, PgmqGenBuild, RuntimeModule } from "../adapters/pgmqGen.js";
import { generateBenchQueues } from "../pgmqGenProject/generateBenchQueues.js";

/** The last commit before "deep read:" (the read in msg_id order). */
export const beforeCommit = "f075ee5";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const beforeRoot = new URL("../.tmp/before/", import.meta.url);

export async function prepareBeforeBuild(): Promise<PgmqGenBuild> {
  const folder = fileURLToPath(beforeRoot);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const archive = execFileSync("git", ["-C", repoRoot, "archive", beforeCommit, "src/runtime"]);
  execFileSync("tar", ["-x", "-C", folder], { input: archive });
  await generateBenchQueues("pgmq.before.config.ts");
  const commit = execFileSync("git", ["-C", repoRoot, "rev-parse", "--short", beforeCommit], {
    encoding: "utf8",
  }).trim();
  // Imported as `.js`, as the generated code does, so both get the one module instance (tsx maps it to .ts).
  return {
    label: `pgmq-gen runtime at ${commit} (before the deep-queue fix)`,
    loadGenerated: () => import(new URL("generated/index.js", beforeRoot).href) as Promise<GeneratedBenchModule>,
    loadRuntime: () => import(new URL("src/runtime/index.js", beforeRoot).href) as Promise<RuntimeModule>,
  };
}

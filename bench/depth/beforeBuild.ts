/**
 * `pgmq-gen@before`: the runtime of an earlier commit (`--before <commit>`,
 * by default the commit before the deep-queue fix), extracted with
 * `git archive` into bench/.tmp/before/runtime/, with the bench queues
 * generated onto it by this checkout's compiler
 * (pgmqGenProject/pgmq.before.config.ts). Generated code is the same for
 * both systems; only the runtime differs, and both are driven by the one
 * adapter (adapters/pgmqGen.ts).
 *
 * The runtime lived in src/runtime/ until 4170752 moved it to
 * packages/runtime/src/; either folder's contents land in runtime/, so the
 * config's runtimeImport is the same for both. Both import only relative
 * files, node: modules, `pg` and ajv's runtime helpers, which resolve from
 * this checkout's node_modules.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { GeneratedBenchModule, PgmqGenBuild, RuntimeModule } from "../adapters/pgmqGen.js";
import { generateBenchQueues } from "../pgmqGenProject/generateBenchQueues.js";

/** The default: the last commit before "deep read:" (the read in msg_id order). */
export const defaultBeforeCommit = "f075ee5";

/** Where the runtime lived, newest layout first. */
const runtimeFolders = ["packages/runtime/src", "src/runtime"] as const;

/** Changes a `--before` commit can predate, named in the report's label. */
const milestones = [
  { commit: "711c084", name: "the deep-queue fix" },
  { commit: "9b1765f", name: "the version stamp" },
] as const;

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const beforeRoot = new URL("../.tmp/before/", import.meta.url);

function git(...args: string[]): string {
  return execFileSync("git", ["-C", repoRoot, ...args], { encoding: "utf8" }).trim();
}

function succeeds(...args: string[]): boolean {
  try {
    execFileSync("git", ["-C", repoRoot, ...args], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface BeforeCommit {
  /** As given (`--before`, or the default). */
  readonly given: string;
  readonly full: string;
  readonly short: string;
  /** The folder that held the runtime at that commit. */
  readonly runtimeFolder: (typeof runtimeFolders)[number];
  /** What the commit is, for the report: which milestones it predates. */
  readonly description: string;
}

/** Resolves `--before`'s commit and the layout of its runtime; throws for a commit git does not know or without a runtime. */
export function resolveBeforeCommit(given: string): BeforeCommit {
  if (!succeeds("rev-parse", "--verify", "--quiet", `${given}^{commit}`))
    throw new Error(`--before ${given}: no such commit in ${repoRoot}`);
  const full = git("rev-parse", "--verify", `${given}^{commit}`);
  const short = git("rev-parse", "--short", full);
  const runtimeFolder = runtimeFolders.find((folder) => succeeds("cat-file", "-e", `${full}:${folder}`));
  if (runtimeFolder === undefined)
    throw new Error(`--before ${given}: neither ${runtimeFolders.join(" nor ")} exists at ${short}`);
  return { given, full, short, runtimeFolder, description: describeCommit(full, short) };
}

/** "runtime at <short>", and the milestones it predates that this checkout has, each with how far before it the commit is. */
function describeCommit(full: string, short: string): string {
  const predated = milestones.filter(
    ({ commit }) =>
      succeeds("merge-base", "--is-ancestor", commit, "HEAD") &&
      succeeds("merge-base", "--is-ancestor", full, commit) &&
      git("rev-parse", `${commit}^{commit}`) !== full,
  );
  if (predated.length === 0) return `runtime at ${short}`;
  const named = predated.map(({ commit, name }) => {
    // The milestone's commits not in `full`, the milestone included: 1 for its parent.
    const count = Number(git("rev-list", "--count", `${full}..${commit}`));
    return `${name} (${commit}, ${count === 1 ? "its parent" : `${count} commits before it`})`;
  });
  return `runtime at ${short}, before ${named.join(" and ")}`;
}

export async function prepareBeforeBuild(before: BeforeCommit): Promise<PgmqGenBuild> {
  const folder = fileURLToPath(beforeRoot);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(new URL("runtime/", beforeRoot), { recursive: true });
  // `<commit>:<folder>` archives the folder's contents at the archive's root.
  const archive = execFileSync("git", ["-C", repoRoot, "archive", `${before.full}:${before.runtimeFolder}`]);
  execFileSync("tar", ["-x", "-C", fileURLToPath(new URL("runtime/", beforeRoot))], { input: archive });
  await generateBenchQueues("pgmq.before.config.ts");
  // Imported as `.js`, as the generated code does, so both get the one module instance (tsx maps it to .ts).
  return {
    label: `pgmq-gen ${before.description}`,
    loadGenerated: () => import(new URL("generated/index.js", beforeRoot).href) as Promise<GeneratedBenchModule>,
    loadRuntime: () => import(new URL("runtime/index.js", beforeRoot).href) as Promise<RuntimeModule>,
  };
}

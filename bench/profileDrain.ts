/**
 * `npm run bench:profile-drain -- [--system pgmq-gen-delete] [--jobs 20000] [--concurrency 16]`
 *
 * Where a drain's time goes: runs the drain workload once for one system
 * (pre-load untimed, then the worker) with V8's CPU profiler on for the
 * drain only, and prints
 * - the wall time and jobs/s;
 * - the process's CPU time against the wall time (how much of the run this
 *   process kept a core busy) and PostgreSQL's, from /proc (how much the
 *   server did for the same jobs);
 * - the database transactions per job (pg_stat_database);
 * - the functions with the most self time, and the same grouped by module;
 * - the bytes allocated per job (V8's sampling heap profiler, collected
 *   objects included), by allocating function: what drives GC and the
 *   worker's memory.
 * The raw profile goes to bench/.tmp/profiles/ (open it in Chrome DevTools).
 * docs/performance.md quotes its output.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadAdapter } from "./adapters/registry.js";
import { createBenchDatabase } from "./database.js";
import { readDbActivity } from "./dbActivity.js";
import { benchJobs } from "./jobs.js";
import { DeliveryLedger } from "./ledger.js";
import { generateBenchQueues } from "./pgmqGenProject/generateBenchQueues.js";
import { fanOut } from "./workloads/params.js";

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface AllocationNode {
  callFrame: ProfileNode["callFrame"];
  selfSize: number;
  children: AllocationNode[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** CPU seconds used so far by every process whose command line matches `pattern` (/proc, Linux only). */
function cpuSecondsOf(pattern: RegExp): number {
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      if (!pattern.test(cmdline)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      // utime and stime are fields 14 and 15 of stat; fields[0] here is field 3.
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return ticks / ticksPerSecond;
}

function where(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const inModules = path.lastIndexOf("node_modules/");
  if (inModules >= 0) {
    const rest = path.slice(inModules + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const repo = path.indexOf("/src/") >= 0 ? path.slice(path.indexOf("/src/") + 1) : path;
  return repo === ""
    ? "(node internals / GC)"
    : repo.startsWith("node:")
      ? `node:${repo.split(":")[1]!.split("/")[0]}`
      : repo;
}

/** Ids of the nodes under the inspector's own calls (stopping the profiler serializes it): not the drain's time. */
function inspectorNodes(profile: Profile): Set<number> {
  const children = new Map(profile.nodes.map((node) => [node.id, node.children ?? []]));
  const under = new Set<number>();
  const mark = (id: number): void => {
    under.add(id);
    for (const child of children.get(id) ?? []) mark(child);
  };
  for (const node of profile.nodes) if (node.callFrame.url === "node:inspector" && !under.has(node.id)) mark(node.id);
  return under;
}

function summarize(profile: Profile, top: number): string[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const skipped = inspectorNodes(profile);
  const selfByFunction = new Map<string, number>();
  const selfByModule = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    if (skipped.has(id)) return;
    const micros = profile.timeDeltas[index] ?? 0;
    const frame = nodes.get(id)!.callFrame;
    const module = where(frame.url);
    const name = `${frame.functionName || "(anonymous)"}  ${module}:${frame.lineNumber + 1}`;
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + micros);
    selfByModule.set(module, (selfByModule.get(module) ?? 0) + micros);
    total += micros;
  });
  const lines = (map: Map<string, number>, count: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(
        ([key, micros]) =>
          `${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}`,
      );
  return [
    `self time by function (top ${top}):`,
    ...lines(selfByFunction, top),
    "",
    "self time by module:",
    ...lines(selfByModule, 20),
  ];
}

function summarizeAllocations(head: AllocationNode, jobs: number, top: number): string[] {
  const byFunction = new Map<string, number>();
  let total = 0;
  const visit = (node: AllocationNode): void => {
    const frame = node.callFrame;
    const name = `${frame.functionName || "(anonymous)"}  ${where(frame.url)}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const child of node.children) visit(child);
  };
  visit(head);
  return [
    `allocated during the drain (sampled): ${(total / 1e6).toFixed(1)} MB = ${Math.round(total / jobs)} bytes per job; top ${top} allocating functions:`,
    ...[...byFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([key, bytes]) =>
          `${(bytes / jobs).toFixed(0).padStart(7)} B/job ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${key}`,
      ),
  ];
}

async function main(): Promise<void> {
  const systemId = option("system", "pgmq-gen-delete");
  const jobs = Number(option("jobs", "20000"));
  const concurrency = Number(option("concurrency", "16"));
  if (systemId.startsWith("pgmq-gen")) await generateBenchQueues();
  const adapter = await loadAdapter(systemId);
  const database = await createBenchDatabase(systemId, "profile");
  try {
    const loader = await adapter.open(database.url);
    await fanOut(Math.ceil(jobs / 1000), 4, (b) =>
      loader.pushBatch(benchJobs(b * 1000, Math.min(1000, jobs - b * 1000))),
    );
    await loader.close();

    const session = await adapter.open(database.url);
    const ledger = new DeliveryLedger(jobs);
    const inspector = new Session();
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.setSamplingInterval", { interval: 100 });
    const activityBefore = await readDbActivity(database.url);
    const postgresBefore = cpuSecondsOf(/^postgres: /);
    const cpuBefore = process.cpuUsage();
    await inspector.post("Profiler.start");
    // Every allocation is sampled (about one per 4 KiB), collected or not: where the garbage comes from.
    await inspector.post("HeapProfiler.startSampling", {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const started = performance.now();
    const worker = await session.startWorker({ concurrency, handle: (job) => ledger.record(job.seq) });
    await ledger.waitFor(jobs, 300_000);
    const seconds = (performance.now() - started) / 1000;
    const { profile: allocations } = (await inspector.post("HeapProfiler.stopSampling")) as {
      profile: { head: AllocationNode };
    };
    const { profile } = (await inspector.post("Profiler.stop")) as { profile: Profile };
    const cpu = process.cpuUsage(cpuBefore);
    const postgresSeconds = cpuSecondsOf(/^postgres: /) - postgresBefore;
    await worker.stop();
    await session.close();
    const activityAfter = await readDbActivity(database.url);
    ledger.assertExactlyOnce();

    const directory = new URL("./.tmp/profiles/", import.meta.url);
    mkdirSync(directory, { recursive: true });
    const file = new URL(`drain-${systemId}-${new Date().toISOString().replaceAll(":", "-")}.cpuprofile`, directory);
    writeFileSync(file, JSON.stringify(profile));
    const processSeconds = (cpu.user + cpu.system) / 1e6;
    console.log(
      `${systemId}: drained ${jobs} jobs at concurrency ${concurrency} in ${seconds.toFixed(2)} s = ${Math.round(jobs / seconds)} jobs/s`,
    );
    console.log(
      `CPU during the drain: this process ${processSeconds.toFixed(2)} s (${((100 * processSeconds) / seconds).toFixed(0)}% of one core), ` +
        `PostgreSQL backends ${postgresSeconds.toFixed(2)} s (${((100 * postgresSeconds) / seconds).toFixed(0)}% of one core); 2 cores in all`,
    );
    const transactions = activityAfter.transactions - activityBefore.transactions;
    console.log(
      `database: ${transactions} transactions = ${(transactions / jobs).toFixed(4)} per job (stop and its final acks included)`,
    );
    console.log(`profile: ${file.pathname}\n`);
    for (const line of summarize(profile, Number(option("top", "30")))) console.log(line);
    console.log("");
    for (const line of summarizeAllocations(allocations.head, jobs, Number(option("top", "30")))) console.log(line);
  } finally {
    await database.drop();
  }
}

await main();

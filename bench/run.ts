/**
 * `npm run bench`: every system through every workload, side by side in one
 * run, then ONE table of medians with ratios to pgmq-gen and to raw SQL.
 * See bench/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadAdapter, systemIds } from "./adapters/registry.js";
import { parseBenchArgs } from "./cliArgs.js";
import { dropLeftoverDatabases } from "./database.js";
import { measureGenerator } from "./generatorFigures.js";
import { describeMachine } from "./machine.js";
import { generateBenchQueues } from "./pgmqGenProject/generateBenchQueues.js";
import { renderMarkdownTable, renderTextTable, reportRows, type ReportRow } from "./report.js";
import { runPlan } from "./runPlan.js";
import { spread } from "./stats.js";
import type { SystemAdapter } from "./system.js";
import { checkTargets, renderTargets } from "./targets.js";
import { fullParams, quickParams } from "./workloads/params.js";

const log = (line: string): void => console.error(line);

async function loadAdapters(
  ids: readonly string[],
): Promise<{ adapters: SystemAdapter[]; failed: Record<string, string> }> {
  const adapters: SystemAdapter[] = [];
  const failed: Record<string, string> = {};
  if (ids.some((id) => id.startsWith("pgmq-gen"))) {
    try {
      const { durationMs } = await generateBenchQueues();
      log(`pgmq-gen: generated the bench queues into bench/.tmp/pgmq-gen/ in ${durationMs} ms`);
    } catch (error) {
      const message = `generate() failed: ${error instanceof Error ? error.message : String(error)}`;
      for (const id of ids.filter((id) => id.startsWith("pgmq-gen"))) failed[id] = message;
      log(`pgmq-gen: ${message}`);
    }
  }
  for (const id of ids) {
    if (failed[id]) continue;
    try {
      adapters.push(await loadAdapter(id));
    } catch (error) {
      failed[id] = error instanceof Error ? error.message : String(error);
      log(`${id}: cannot load, skipped: ${failed[id]}`);
    }
  }
  return { adapters, failed };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseBenchArgs(argv);
  const params = args.quick ? quickParams : fullParams;
  const machine = await describeMachine();
  const leftovers = await dropLeftoverDatabases();
  if (leftovers > 0) log(`dropped ${leftovers} databases left by an earlier run`);

  const { adapters, failed } = await loadAdapters(args.systems ?? systemIds);
  log(
    `machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, PostgreSQL ${machine.postgres}, Node ${machine.node}`,
  );
  log(`workloads: ${args.workloads.join(", ")}; ${args.reps} repetition(s)${args.quick ? " (--quick)" : ""}`);

  const results = await runPlan(adapters, args.workloads, args.reps, params, log);
  const rows: ReportRow[] = reportRows(results);

  let generator = null;
  if (args.generator) {
    log("generator: running bench/generator/run.ts");
    generator = await measureGenerator(args.reps);
    if ("figures" in generator) {
      rows.push(
        {
          workload: "generator",
          metric: "cold generate s",
          system: "pgmq-gen",
          stats: spread(generator.figures.coldGenerateSeconds),
        },
        {
          workload: "generator",
          metric: "--check s",
          system: "pgmq-gen",
          stats: spread(generator.figures.checkSeconds),
        },
        {
          workload: "generator",
          metric: "--check --no-cache s",
          system: "pgmq-gen",
          stats: spread(generator.figures.checkNoCacheSeconds),
        },
      );
    } else {
      rows.push({
        workload: "generator",
        metric: "cold generate s",
        system: "pgmq-gen",
        stats: null,
        error: generator.error,
      });
    }
  }
  const targets = checkTargets(rows);

  const out: string[] = [];
  out.push(
    `pgmq-gen bench — ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, PostgreSQL ${machine.postgres}, Node ${machine.node}`,
  );
  out.push(`medians of ${args.reps} repetition(s); ratios are this system's median ÷ the named system's median`);
  out.push("");
  out.push(renderTextTable(rows));
  out.push("");
  out.push("Systems and settings:");
  for (const adapter of adapters) {
    const settings = Object.entries(adapter.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    out.push(`  ${adapter.id}: ${adapter.version}; ${settings}`);
  }
  for (const [id, error] of Object.entries(failed)) out.push(`  ${id}: could not load (${error})`);
  out.push("Workers run in the bench process for workloads 1-4; in a child process for mixed.");
  out.push("");
  out.push("Targets (pgmq-gen, same run):");
  out.push(renderTargets(targets));
  console.log(out.join("\n"));

  if (!args.quick) {
    mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const file = new URL(`./results/${stamp}.json`, import.meta.url);
    const command = `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
    const systems = adapters.map(({ id, version, settings, workloads }) => ({ id, version, settings, workloads }));
    const json = {
      command,
      finishedAt: new Date().toISOString(),
      machine,
      reps: args.reps,
      params,
      systems,
      unloadable: failed,
      results,
      generator,
      targets,
      markdownTable: renderMarkdownTable(rows),
    };
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    log(`results written to bench/results/${stamp}.json`);
  }
  const anyFailure = rows.some((row) => row.error && row.workload !== "generator") || Object.keys(failed).length > 0;
  process.exitCode = anyFailure ? 1 : 0;
}

/**
 * The server is shared (tests of other work may restart it or end sessions),
 * and a library's pool that has no 'error' listener turns an ended idle
 * connection (SQLSTATE 57P01, admin_shutdown) into an uncaught exception.
 * That one error is logged, and the workload that was hit fails on its own;
 * anything else still crashes the bench.
 */
process.on("uncaughtException", (error: Error & { code?: string }) => {
  if (error.code === "57P01") {
    log(`a database connection was ended by the server (${error.message}); continuing`);
    return;
  }
  console.error(error);
  process.exit(1);
});

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

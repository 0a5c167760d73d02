/**
 * `npm run bench:depth`: enqueue, drain and push → start latency with
 * 0 to 10M messages already waiting (delayed, or a visible backlog) and with
 * a 10M-row archive, for this checkout (`pgmq-gen`), an earlier commit's
 * runtime (`pgmq-gen@before`: `--before <commit>`, by default the commit
 * before the deep-queue fix) and PGMQ's own functions (`pgmq-sql`),
 * systems interleaved within each repetition. One table of medians, each
 * with its ratio to the same system's empty-queue figure. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { pgmqGenAdapter, thisCheckout, type PgmqGenBuild } from "../adapters/pgmqGen.js";
import { findPgmqVersions, pgmqSqlDir } from "../../test/interop/installPgmqSql.js";
import { dropLeftoverDatabases } from "../database.js";
import { describeMachine } from "../machine.js";
import { generateBenchQueues } from "../pgmqGenProject/generateBenchQueues.js";
import { enqueueSingle } from "../workloads/enqueue.js";
import { type BeforeCommit, defaultBeforeCommit, prepareBeforeBuild, resolveBeforeCommit } from "./beforeBuild.js";
import { cappedDrain } from "./cappedDrain.js";
import { cappedLatency } from "./cappedLatency.js";
import { parseDepthArgs } from "./depthArgs.js";
import { createDepthDatabase, type DepthDatabase } from "./depthDatabases.js";
import { renderDepthTable, type CellResult, type DepthResults } from "./depthReport.js";
import type { DepthLayout, DepthQueue, DepthSystem } from "./depthSystem.js";
import { pgmqSqlSystem, readQuantity } from "./pgmqSqlSystem.js";
import {
  depthWorkloads,
  fullParams,
  notApplicable,
  queueOf,
  quickParams,
  type DepthParams,
  type DepthWorkload,
} from "./scenarios.js";

const log = (line: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`);
/** The anchor's PGMQ version, as the issue measured it. */
const pgmqVersion = "1.5.1";
const pgmqSql = findPgmqVersions().find((v) => v.version === pgmqVersion) ?? null;
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

function pgmqGenSystem(id: string, build: PgmqGenBuild): DepthSystem {
  const workloads = ["enqueue-single", "drain", "latency"] as const;
  const onDelete = pgmqGenAdapter(id, "bench_delete", workloads, build);
  const onArchive = pgmqGenAdapter(id, "bench_archive", workloads, build);
  return {
    id,
    version: build.label,
    settings: { ...onDelete.settings, onSuccess: "delete (archive in the archive scenario)" },
    layout: "runtime",
    open: (url, queue) => (queue === "bench_archive" ? onArchive : onDelete).open(url),
  };
}

async function loadSystems(
  wanted: string[] | null,
  before: BeforeCommit,
  unavailable: Record<string, string>,
): Promise<DepthSystem[]> {
  const systems: DepthSystem[] = [];
  const want = (id: string): boolean => wanted === null || wanted.includes(id);
  if (want("pgmq-gen")) {
    await generateBenchQueues();
    systems.push(pgmqGenSystem("pgmq-gen", thisCheckout));
  }
  if (want("pgmq-gen@before")) systems.push(pgmqGenSystem("pgmq-gen@before", await prepareBeforeBuild(before)));
  if (want("pgmq-sql")) {
    if (pgmqSql) systems.push(pgmqSqlSystem(pgmqSql));
    else unavailable["pgmq-sql"] = `n/a: no ${pgmqSqlDir}/${pgmqVersion}/pgmq.sql (see test/interop/README.md)`;
  }
  return systems;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseDepthArgs(argv);
  const base = args.quick ? quickParams : fullParams;
  const scenarios = args.scenarios ? base.scenarios.filter((s) => args.scenarios!.includes(s.id)) : base.scenarios;
  const params: DepthParams = { ...base, scenarios };
  const machine = await describeMachine();
  const leftovers = await dropLeftoverDatabases();
  if (leftovers > 0) log(`dropped ${leftovers} databases left by an earlier run`);
  const unavailable: Record<string, string> = {};
  // Resolved first: a --before git does not know fails before any database is built.
  const before = resolveBeforeCommit(args.before ?? defaultBeforeCommit);
  const systems = await loadSystems(args.systems, before, unavailable);
  for (const [id, why] of Object.entries(unavailable)) log(`${id}: ${why}`);
  log(
    `machine: ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, PostgreSQL ${machine.postgres}, Node ${machine.node}; load ${load()}`,
  );
  log(`systems: ${systems.map((s) => s.id).join(", ")}; ${args.reps} repetition(s)${args.quick ? " (--quick)" : ""}`);

  const databases = new Map<DepthLayout, DepthDatabase>();
  const references = new Map<DepthLayout, DepthDatabase>();
  let closing = false;
  const closeAll = async (): Promise<void> => {
    closing = true;
    for (const db of [...databases.values(), ...references.values()]) await db.close().catch(() => {});
  };
  process.once("SIGINT", () => {
    log("interrupted: dropping the depth databases");
    void closeAll().finally(() => process.exit(130));
  });

  const results: DepthResults = {};
  const measurements: unknown[] = [];
  const started = Date.now();
  try {
    for (const layout of new Set(systems.map((s) => s.layout))) {
      databases.set(layout, await createDepthDatabase(layout, "deep", params, pgmqSql));
      references.set(layout, await createDepthDatabase(layout, "reference", params, pgmqSql));
    }
    for (const scenario of scenarios) {
      const queue = queueOf(scenario);
      for (const db of databases.values()) {
        // Only the scenario's queue holds rows: the other is emptied, to keep disk and cache to one backlog.
        const other = queue === "bench_archive" ? db.data.bench_delete : db.data.bench_archive;
        await other.prepare("delayed", 0, log);
        log(`${scenario.id}: building the ${db.layout} database's ${queue} (load ${load()})`);
        await db.data[queue].prepare(scenario.kind, scenario.rows, log);
      }
      const byScenario = (results[scenario.id] = {});
      for (let rep = 1; rep <= args.reps; rep++) {
        for (const system of systems) {
          const cell: CellResult = ((byScenario as Record<string, CellResult>)[system.id] ??= {
            samples: {},
            reference: {},
            capped: {},
            notes: {},
            failed: false,
          });
          const db = databases.get(system.layout)!;
          const reference = scenario === scenarios[0] ? null : references.get(system.layout)!;
          for (const workload of depthWorkloads) {
            const na = notApplicable(scenario, workload);
            if (na) {
              cell.notes[workload] = na;
              continue;
            }
            if (closing) return;
            const label = `${scenario.id} #${rep} ${system.id} ${workload}`;
            try {
              if (reference) {
                const paired = await measureAndReset(system, reference, queue, workload, params);
                for (const [metric, value] of Object.entries(paired.values))
                  ((cell.reference as Record<string, number[]>)[metric] ??= []).push(value);
                measurements.push({
                  scenario: "empty (paired)",
                  pairedWith: scenario.id,
                  rep,
                  system: system.id,
                  workload,
                  ...paired,
                  load1: os.loadavg()[0],
                });
                log(`${label} (empty queue, paired): ${describe(paired)}`);
              }
              const figures = await measureAndReset(system, db, queue, workload, params);
              const loadNow = os.loadavg()[0]!;
              for (const [metric, value] of Object.entries(figures.values)) {
                ((cell.samples as Record<string, number[]>)[metric] ??= []).push(value);
                if (figures.capped) (cell.capped as Record<string, boolean>)[metric] = true;
              }
              measurements.push({
                scenario: scenario.id,
                rep,
                system: system.id,
                workload,
                ...figures,
                load1: loadNow,
              });
              log(`${label}: ${describe(figures)}; load ${load()}`);
            } catch (error) {
              cell.failed = true;
              cell.notes[workload] = error instanceof Error ? error.message : String(error);
              measurements.push({
                scenario: scenario.id,
                rep,
                system: system.id,
                workload,
                error: cell.notes[workload],
              });
              log(`${label}: FAILED ${cell.notes[workload]}`);
            }
          }
        }
      }
    }
  } finally {
    await closeAll();
  }

  const ids = [...systems.map((s) => s.id), ...Object.keys(unavailable)];
  const table = renderDepthTable(scenarios, ids, results);
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const out = [
    `pgmq-gen depth bench — ${machine.nproc} CPUs, ${machine.memoryGiB} GiB, PostgreSQL ${machine.postgres}, Node ${machine.node}; ${minutes} min`,
    `medians of ${args.reps} repetition(s); (x.xx) = ÷ the same system's median on an empty queue, each measured just before its deep counterpart; * drain capped at ${params.drain.capMs / 1000} s (the rate of what finished); ≥ latency capped ${params.latency.capMs / 1000} s after the last push (lower bound)`,
    "",
    table,
    "",
    "Systems:",
    ...systems.map(
      (s) =>
        `  ${s.id}: ${s.version}; ${Object.entries(s.settings)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")}`,
    ),
    ...Object.entries(unavailable).map(([id, why]) => `  ${id}: ${why}`),
  ];
  console.log(out.join("\n"));
  if (!args.quick) {
    mkdirSync(new URL("../results/", import.meta.url), { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const file = new URL(`../results/depth-${stamp}.json`, import.meta.url);
    const command = `npm run bench:depth${argv.length ? ` -- ${argv.join(" ")}` : ""}`;
    const json = {
      command,
      finishedAt: new Date().toISOString(),
      minutes: Number(minutes),
      machine,
      reps: args.reps,
      params,
      beforeCommit: before.full,
      pgmqSqlReadQuantity: readQuantity,
      systems: systems.map(({ id, version, settings, layout }) => ({ id, version, settings, layout })),
      unavailable,
      results,
      measurements,
      markdownTable: table,
    };
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
    log(`results written to bench/results/depth-${stamp}.json`);
  }
  const anyFailure = Object.values(results).some((bySystem) => Object.values(bySystem).some((cell) => cell.failed));
  process.exitCode = anyFailure ? 1 : 0;
}

interface Figures {
  values: Record<string, number>;
  capped: boolean;
}

function describe(figures: Figures): string {
  const values = Object.entries(figures.values).map(
    ([metric, value]) => `${value.toFixed(value < 100 ? 2 : 0)} ${metric}`,
  );
  return `${values.join(", ")}${figures.capped ? " (capped)" : ""}`;
}

/** One measurement, then the queue put back as it was (also when the measurement failed). */
async function measureAndReset(
  system: DepthSystem,
  db: DepthDatabase,
  queue: DepthQueue,
  workload: DepthWorkload,
  params: DepthParams,
): Promise<Figures> {
  try {
    return await measure(system, db, queue, workload, params);
  } finally {
    await db.data[queue].reset();
  }
}

async function measure(
  system: DepthSystem,
  db: DepthDatabase,
  queue: DepthQueue,
  workload: DepthWorkload,
  params: DepthParams,
): Promise<Figures> {
  const data = db.data[queue];
  if (workload === "drain") await data.preloadDrainJobs();
  const session = await system.open(db.database.url, queue);
  try {
    if (workload === "enqueue") {
      const { "jobs/s": rate } = await enqueueSingle(session, params.enqueue);
      return { values: { "enqueue jobs/s": rate! }, capped: false };
    }
    if (workload === "drain") {
      const { "jobs/s": rate, capped } = await cappedDrain(session, data, params.drain);
      return { values: { "drain jobs/s": rate }, capped };
    }
    const { capped, ...values } = await cappedLatency(session, params.latency);
    return { values, capped };
  } finally {
    await session.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

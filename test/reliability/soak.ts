/**
 * The soak: every reliability scenario at soak size (100,000+ jobs, longer
 * chaos), one fresh database each, then a summary table. The same scenario
 * code runs at quick size inside `npm test`.
 *
 *   npm run soak                      # every scenario, soak size
 *   npm run soak -- crash load        # some scenarios
 *   npm run soak -- --quick           # quick size (what npm test runs)
 *   npm run soak -- --write-docs      # also put the table into docs/reliability.md
 *
 * Exits 1 when any scenario breaks a guarantee.
 */
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";
import { killAllChildren } from "./harness/childProcesses.js";
import { runCrashScenario } from "./scenarios/crash.js";
import { runDatabaseRestartScenario } from "./scenarios/databaseRestart.js";
import { runExclusiveScenario } from "./scenarios/exclusive.js";
import { runGracefulStopScenario } from "./scenarios/gracefulStop.js";
import { runLoadScenario } from "./scenarios/load.js";
import { quick, soak, type ScenarioSizes } from "./scenarios/sizes.js";

interface Row {
  scenario: string;
  jobs: number;
  seconds: number;
  /** Guarantees checked: empty when all held. */
  broken: string[];
  figures: string;
}

type Runner = (db: TestDatabase, sizes: ScenarioSizes) => Promise<Row>;

/** `label` when `holds` is false. */
const check = (checks: Array<[boolean, string]>): string[] =>
  checks.filter(([holds]) => !holds).map(([, label]) => label);

const runners: Record<keyof ScenarioSizes, Runner> = {
  async crash(db, sizes) {
    const r = await runCrashScenario(db, sizes.crash, (line) => console.info(`[soak] crash: ${line}`));
    return {
      scenario: "crash (SIGKILL)",
      jobs: sizes.crash.jobs,
      seconds: r.seconds,
      broken: check([
        [r.unexpectedExits.length === 0, "a worker exited on its own"],
        [r.drained && r.ledger.missing === 0, `lost ${r.ledger.missing} jobs`],
        [r.ledger.queueRemaining === 0, "queue not empty"],
        [r.ledger.archived === sizes.crash.jobs && r.ledger.archivedTwice === 0, "archive not exactly once"],
        [r.ledger.recordedMoreThanOnce <= r.inFlightInKilledProcesses, "more duplicates than in-flight jobs"],
        [r.unexplainedDuplicates === 0, "duplicates without a kill"],
        [r.overlaps.length === 0, "overlapping attempts"],
      ]),
      figures:
        `${r.kills} SIGKILLs (every ${sizes.crash.killEveryMs.join("-")} ms, ${sizes.crash.workers} workers), ` +
        `${r.ledger.recordedMoreThanOnce} jobs run twice <= ${r.inFlightInKilledProcesses} in flight in killed processes, ` +
        `${(sizes.crash.jobs / r.seconds).toFixed(0)} jobs/s under chaos`,
    };
  },
  async exclusive(db, sizes) {
    const r = await runExclusiveScenario(db, sizes.exclusive);
    return {
      scenario: "exclusive delivery",
      jobs: sizes.exclusive.jobs,
      seconds: r.seconds,
      broken: check([
        [r.drained && r.ledger.missing === 0, `lost ${r.ledger.missing} jobs`],
        [r.overlaps.length === 0, `${r.overlaps.length} overlapping attempts`],
        [r.jobsRunMoreThanOnce === 0, `${r.jobsRunMoreThanOnce} jobs run twice`],
      ]),
      figures:
        `${sizes.exclusive.workers} processes, ${r.overlaps.length} overlaps, ${r.jobsRunMoreThanOnce} repeats; ` +
        `1 job in ${sizes.exclusive.longJobEvery} ran ${sizes.exclusive.longSleepMs} ms > vt ${sizes.exclusive.visibilityTimeout} s`,
    };
  },
  async databaseRestart(db, sizes) {
    const r = await runDatabaseRestartScenario(db, sizes.databaseRestart);
    return {
      scenario: "database restart",
      jobs: sizes.databaseRestart.jobs,
      seconds: r.seconds,
      broken: check([
        [r.exitedEarly.length === 0, "a process exited"],
        [r.drained && r.ledger.missing === 0, `lost ${r.ledger.missing} jobs`],
        [r.ledger.queueRemaining === 0 && r.ledger.notArchived === 0, "not all archived"],
        [r.overlaps.length === 0, "overlapping attempts"],
        [r.workerErrors > 0 && r.producerErrors > 0, "errors not reported"],
      ]),
      figures:
        `${r.terminated.length} restarts (${r.terminated.join("+")} backends), errors reported: workers ${r.workerErrors}, ` +
        `producer ${r.producerErrors}; ${r.ledger.recordedMoreThanOnce} jobs run twice`,
    };
  },
  async gracefulStop(db, sizes) {
    const r = await runGracefulStopScenario(db, sizes.gracefulStop);
    return {
      scenario: "graceful stop (SIGTERM)",
      jobs: sizes.gracefulStop.jobs,
      seconds: r.seconds,
      broken: check([
        [r.unfinishedByStopped === 0 && r.finishedButNotAcked === 0, "in-flight jobs not finished and acked"],
        [r.startedAfterSignal === 0, `${r.startedAfterSignal} jobs started after SIGTERM`],
        [r.invisibleAfterStop === 0, `${r.invisibleAfterStop} messages still invisible after exit`],
        [r.drained && r.ledger.missing === 0 && r.ledger.recordedMoreThanOnce === 0, "lost or repeated jobs"],
        [r.exit.code === 0, `exit ${r.exit.code ?? r.exit.signal}`],
      ]),
      figures: `stopped in ${r.stopMs} ms with ${r.startedByStopped} jobs run (last start ${r.lastStartAfterSignalMs.toFixed(0)} ms after SIGTERM), ${r.remainingAfterStop} left visible; exit ${r.exit.code ?? r.exit.signal}`,
    };
  },
  async load(db, sizes) {
    const r = await runLoadScenario(db, sizes.load);
    return {
      scenario: "load",
      jobs: sizes.load.jobs,
      seconds: r.seconds,
      broken: check([
        [r.drained && r.ledger.missing === 0, `lost ${r.ledger.missing} jobs`],
        [r.ledger.archived === sizes.load.jobs, "not archived exactly once"],
      ]),
      figures:
        `${r.figures.jobsPerSecond.toFixed(0)} jobs/s sustained (${sizes.load.producerCallers} pushers, ${sizes.load.workers}x${sizes.load.concurrency} workers), ` +
        `push-to-start p50 ${r.figures.p50PushToStartMs.toFixed(0)} ms / p99 ${r.figures.p99PushToStartMs.toFixed(0)} ms, ` +
        `worker peak RSS ${(r.workerPeakRss / 2 ** 20).toFixed(0)} MiB`,
    };
  },
};

function table(rows: Row[]): string {
  const lines = [
    "| scenario | jobs | seconds | guarantees | figures |",
    "| --- | ---: | ---: | --- | --- |",
    ...rows.map(
      (row) =>
        `| ${row.scenario} | ${row.jobs.toLocaleString("en-US")} | ${row.seconds.toFixed(1)} | ${row.broken.length === 0 ? "held" : `**BROKEN**: ${row.broken.join("; ")}`} | ${row.figures} |`,
    ),
  ];
  return lines.join("\n");
}

const args = process.argv.slice(2);
const sizes = args.includes("--quick") ? quick : soak;
const chosen = args.filter((arg) => !arg.startsWith("--")) as Array<keyof ScenarioSizes>;
const names = chosen.length > 0 ? chosen : (Object.keys(runners) as Array<keyof ScenarioSizes>);
const rows: Row[] = [];
for (const name of names) {
  const runner = runners[name];
  if (runner === undefined) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(runners).join(", ")}`);
  console.info(`[soak] ${name}: starting`);
  const db = await createTestDatabase(`soak_${name}`);
  try {
    const row = await runner(db, sizes);
    rows.push(row);
    console.info(
      `[soak] ${name}: ${row.broken.length === 0 ? "held" : `BROKEN: ${row.broken.join("; ")}`} in ${row.seconds.toFixed(1)} s; ${row.figures}`,
    );
  } catch (error) {
    rows.push({ scenario: name, jobs: 0, seconds: 0, broken: [`threw: ${(error as Error).message}`], figures: "" });
    console.error(error);
  } finally {
    await killAllChildren();
    await db.drop();
  }
}

const command = `npm run soak${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`;
const summary = table(rows);
console.info(`\n${summary}\n`);

if (args.includes("--write-docs")) {
  const docs = fileURLToPath(new URL("../../docs/reliability.md", import.meta.url));
  const text = await readFile(docs, "utf8");
  const begin = "<!-- soak:begin -->";
  const end = "<!-- soak:end -->";
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`docs/reliability.md has no ${begin} ... ${end} section`);
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const section = `${begin}\nLast run: \`${command}\` on ${new Date().toISOString().slice(0, 10)} (${machine}).\n\n${summary}\n${end}`;
  await writeFile(docs, text.slice(0, from) + section + text.slice(to + end.length));
}

process.exitCode = rows.every((row) => row.broken.length === 0) ? 0 : 1;

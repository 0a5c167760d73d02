/**
 * The key figures of the deep-queue soak's runs as a Markdown table (what
 * docs/performance.md shows), from the CSVs and JSONs run.ts wrote.
 *
 *   node --import tsx test/reliability/deepSoak/keyFigures.ts [dir (default docs/performance)]
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Levelling } from "./levelling.js";

type Row = Record<string, string>;

function readCsv(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const names = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [names[i]!, value])));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : sorted.length % 2 === 1
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const thousands = (n: number) => `${(n / 1000).toFixed(1)}k`;

const dir = process.argv[2] ?? "docs/performance";
const variants = ["default", "recommended"].filter((variant) => existsSync(path.join(dir, `soak-deep-${variant}.csv`)));
const figures: Array<[string, ...string[]]> = [];
const columns = variants.map((variant) => {
  const rows = readCsv(path.join(dir, `soak-deep-${variant}.csv`));
  const summary = JSON.parse(readFileSync(path.join(dir, `soak-deep-${variant}.json`), "utf8")) as {
    levelling: Levelling[];
    ledger: { pushed: number; lost: number; finishedTwice: number; failedFirstAttempts: number };
  };
  const traffic = rows.slice(1);
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const series = (name: string) => traffic.map((row) => Number(row[name]));
  const startEnd = (name: string) => `${mib(Number(first[name]))} → ${mib(Number(last[name]))}`;
  const range = (name: string) => `${thousands(Math.min(...series(name)))}-${thousands(Math.max(...series(name)))}`;
  const spread = (name: string, digits = 2) =>
    `${median(series(name)).toFixed(digits)} (${Math.min(...series(name)).toFixed(digits)}-${Math.max(...series(name)).toFixed(digits)})`;
  const level = (metric: string) => {
    const found = summary.levelling.find((entry) => entry.metric === metric)!;
    const show = metric.endsWith("dead") ? thousands : (n: number) => `${mib(n)} MiB`;
    return `${found.levelled ? "yes" : "**no**"} (${show(found.previous)} then ${show(found.last)})`;
  };
  return [
    `${traffic.length} min`,
    `${median(series("finished_per_s")).toFixed(0)} jobs/s, backlog visible ≤ ${Math.max(...series("visible"))}`,
    `${summary.ledger.pushed.toLocaleString("en-US")} pushed, ${summary.ledger.lost} lost, ${summary.ledger.finishedTwice} twice`,
    startEnd("q_total_bytes"),
    startEnd("q_heap_bytes"),
    startEnd("q_vt_idx_bytes"),
    startEnd("q_pkey_bytes"),
    startEnd("a_total_bytes"),
    range("q_dead"),
    range("a_dead"),
    `${last.q_autovacuum_count} / ${last.a_autovacuum_count}`,
    spread("server_read_mean_ms"),
    spread("server_read_buffers_per_call", 0),
    spread("read_p50_ms", 1),
    spread("read_p99_ms", 1),
    level("q_total_bytes"),
    level("q_vt_idx_bytes"),
    level("a_total_bytes"),
    level("q_dead"),
  ];
});
const labels = [
  "minutes of traffic",
  "throughput (median of minutes)",
  "ledger",
  "q_ table + indexes, MiB (start → end)",
  "q_ heap, MiB",
  "vt index, MiB",
  "q_ primary key, MiB",
  "a_ archive + indexes, MiB",
  "q_ n_dead_tup (range of minute samples)",
  "a_ n_dead_tup",
  "autovacuum runs q_ / a_",
  "read, server mean ms: median of minutes (min-max)",
  "read, shared buffers per read",
  "read p50 ms, client (incl. pool wait)",
  "read p99 ms, client",
  "q_ size levelled (growth: previous then last window)",
  "vt index levelled",
  "a_ size levelled",
  "q_ dead tuples levelled (median: first then second half)",
];
for (let i = 0; i < labels.length; i++) figures.push([labels[i]!, ...columns.map((column) => column[i]!)]);
console.info(
  `| | ${variants.map((variant) => (variant === "default" ? "server defaults" : "recommended")).join(" | ")} |`,
);
console.info(`| --- |${variants.map(() => " ---: |").join("")}`);
for (const row of figures) console.info(`| ${row.join(" | ")} |`);

/**
 * The soak's command line. `npm run soak:deep -- --minutes 30 --autovacuum recommended`.
 */
import { parseArgs } from "node:util";
import type { AutovacuumVariant } from "./autovacuumSettings.js";

export interface SoakOptions {
  /** Minutes of steady traffic. (Default: 30) */
  minutes: number;
  /** Jobs pushed per second. (Default: 200) */
  rate: number;
  /** Messages delayed by a day, pushed before the traffic starts. (Default: 1,000,000) */
  backlog: number;
  autovacuum: AutovacuumVariant;
  /** Worker concurrency. (Default: 16) */
  concurrency: number;
  /** Milliseconds each handler works. (Default: 20) */
  sleepMs: number;
  /** Seconds of archive retention keeps. (Default: 300) */
  keepSeconds: number;
  /** Seconds between samples (and retention runs). (Default: 60) */
  sampleSeconds: number;
  /** Where the CSV and JSON go. (Default: docs/performance) */
  outDir: string;
}

export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: "string", default: "30" },
      rate: { type: "string", default: "200" },
      backlog: { type: "string", default: "1000000" },
      autovacuum: { type: "string", default: "recommended" },
      concurrency: { type: "string", default: "16" },
      "sleep-ms": { type: "string", default: "20" },
      "keep-seconds": { type: "string", default: "300" },
      "sample-seconds": { type: "string", default: "60" },
      out: { type: "string", default: "docs/performance" },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a number >= 0, got ${values[name]}`);
    return value;
  };
  if (values.autovacuum !== "default" && values.autovacuum !== "recommended") {
    throw new Error(`--autovacuum: expected default or recommended, got ${values.autovacuum}`);
  }
  return {
    minutes: number("minutes"),
    rate: number("rate"),
    backlog: number("backlog"),
    autovacuum: values.autovacuum,
    concurrency: number("concurrency"),
    sleepMs: number("sleep-ms"),
    keepSeconds: number("keep-seconds"),
    sampleSeconds: number("sample-seconds"),
    outDir: values.out!,
  };
}

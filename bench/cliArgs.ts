/** `npm run bench -- [--quick] [--only <workload>[,...]] [--systems a,b] [--reps N] [--no-generator]` */
import { allWorkloads, type WorkloadId } from "./system.js";

export interface BenchArgs {
  quick: boolean;
  workloads: WorkloadId[];
  /** null: every known system. */
  systems: string[] | null;
  reps: number;
  generator: boolean;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, workloads: [...allWorkloads], systems: null, reps: 3, generator: true };
  let onlyGiven = false;
  let onlyGenerator = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--quick") args.quick = true;
    else if (arg === "--only") {
      const names = value().split(",");
      for (const name of names) {
        if (name !== "generator" && !allWorkloads.includes(name as WorkloadId)) {
          throw new Error(`unknown workload "${name}"; known: ${[...allWorkloads, "generator"].join(", ")}`);
        }
      }
      if (!onlyGiven) args.workloads = [];
      onlyGiven = true;
      args.workloads.push(...(names.filter((n) => n !== "generator") as WorkloadId[]));
      onlyGenerator ||= names.includes("generator");
    } else if (arg === "--systems") args.systems = value().split(",");
    else if (arg === "--reps") args.reps = Number(value());
    else if (arg === "--no-generator") args.generator = false;
    else throw new Error(`unknown argument "${arg}"`);
  }
  if (onlyGiven) args.generator &&= onlyGenerator;
  if (!Number.isInteger(args.reps) || args.reps < 1) throw new Error("--reps must be a positive integer");
  if (args.quick && !argv.includes("--reps")) args.reps = 1;
  return args;
}

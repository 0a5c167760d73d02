/** `npm run bench:depth -- [--quick] [--reps N] [--systems a,b] [--scenarios "empty,delayed 1M"] [--before <commit>]` */
export interface DepthArgs {
  quick: boolean;
  reps: number;
  /** null: every system. */
  systems: string[] | null;
  /** null: every scenario of the mode. */
  scenarios: string[] | null;
  /** The commit whose runtime `pgmq-gen@before` runs; null: the default (beforeBuild.ts's defaultBeforeCommit). */
  before: string | null;
}

export function parseDepthArgs(argv: readonly string[]): DepthArgs {
  const args: DepthArgs = { quick: false, reps: 3, systems: null, scenarios: null, before: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--quick") args.quick = true;
    else if (arg === "--reps") args.reps = Number(value());
    else if (arg === "--systems") args.systems = value().split(",");
    else if (arg === "--scenarios")
      args.scenarios = value()
        .split(",")
        .map((s) => s.trim());
    else if (arg === "--before") {
      const commit = value();
      // Handed to git: a value that reads as an option is refused, not passed on.
      if (commit === "" || commit.startsWith("-")) throw new Error(`--before needs a commit, not "${commit}"`);
      args.before = commit;
    } else throw new Error(`unknown argument "${arg}"`);
  }
  if (!Number.isInteger(args.reps) || args.reps < 1) throw new Error("--reps must be a positive integer");
  if (args.quick && !argv.includes("--reps")) args.reps = 1;
  return args;
}

/**
 * Turns argv into a command, with node's `parseArgs`. A mistake here is a
 * usage error (exit code 2), told apart from a failing run (exit code 1).
 */
import { parseArgs } from "node:util";

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "generate"; configPath?: string; check: boolean; watch: boolean; cache: boolean }
  | { kind: "migrate"; configPath?: string; databaseUrl?: string; dryRun: boolean };

/** A command line that cannot be run as written. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const USAGE = `Usage:
  pgmq-gen [generate] [--config <path>] [--check | --watch] [--no-cache]
  pgmq-gen migrate [--config <path>] [--database-url <url>] [--dry-run]
  pgmq-gen --help | --version

Commands:
  generate   Compile pgmq.config.ts and its JSON Schemas into the output folder (the default).
  migrate    Create every configured queue and dead-letter queue ahead of time (needs DDL rights).

Options:
  -c, --config <path>     Config file to use instead of searching the current folder for
                          pgmq.config.{ts,mts,cts,js,mjs,cjs,json} or a "pgmq" key in package.json.
      --check             Write nothing; exit 1 and list the generated files that are out of date.
  -w, --watch             Generate again whenever the config or a schema file changes.
      --no-cache          Compile every schema again, without reading or saving the build cache
                          (node_modules/.cache/pgmq-gen: validators and types of unchanged schemas).
      --database-url <url>  Server to migrate. (Default: $DATABASE_URL)
      --dry-run           Print the queues migrate would create, without connecting.
  -h, --help              Show this help.
  -v, --version           Print the pgmq-gen version.
`;

const OPTIONS = {
  config: { type: "string", short: "c" },
  check: { type: "boolean" },
  watch: { type: "boolean", short: "w" },
  "no-cache": { type: "boolean" },
  "database-url": { type: "string" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

const OPTIONS_OF: Record<"generate" | "migrate", readonly string[]> = {
  generate: ["config", "check", "watch", "no-cache"],
  migrate: ["config", "database-url", "dry-run"],
};

export function parseCommandLine(args: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  if (values.version === true) return { kind: "version" };

  const [name = "generate", ...extra] = positionals;
  if (name !== "generate" && name !== "migrate") throw new UsageError(`unknown command "${name}"; expected generate or migrate`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  for (const option of Object.keys(values)) {
    if (!OPTIONS_OF[name].includes(option)) throw new UsageError(`option --${option} does not apply to ${name}`);
  }
  const configPath = values.config !== undefined ? { configPath: values.config } : {};
  if (name === "migrate") {
    const databaseUrl = values["database-url"] !== undefined ? { databaseUrl: values["database-url"] } : {};
    return { kind: "migrate", ...configPath, ...databaseUrl, dryRun: values["dry-run"] ?? false };
  }
  if (values.check === true && values.watch === true) throw new UsageError("--check and --watch cannot be combined");
  return { kind: "generate", ...configPath, check: values.check ?? false, watch: values.watch ?? false, cache: values["no-cache"] !== true };
}

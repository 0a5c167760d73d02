/**
 * Turns argv into a command. A mistake here is a usage error (exit code 2),
 * told apart from a failing run (exit code 1), and says what to type instead:
 * a misspelled option or command gets a "did you mean". Node's `parseArgs`
 * is not used because its errors cannot be reworded without parsing its
 * messages, and it cannot tell an option of another command from a typo.
 */
import { closestName } from "../config/closestName.js";
import {
  isQueueName,
  MAX_DATABASE_SECONDS,
  MAX_MESSAGE_ID,
  MAX_PRUNE_BATCH_SIZE,
  MAX_STATUS_COUNT_CAP,
  QUEUE_NAME_RULE,
} from "@pgmq-gen/runtime/contract";
import type { CompatibilityMode } from "../evolution/types.js";
import {
  ALL_OPTIONS,
  COMMAND_NAMES,
  COMPATIBILITY_MODES,
  DEFAULT_COMMAND,
  isCommandName,
  optionsOf,
  type CommandName,
  type OptionSpec,
} from "./commandSpecs.js";
import { durationSeconds, parseDuration } from "../config/duration.js";
import { DASHBOARD_DEFAULTS } from "../dashboard/dashboardDefaults.js";

export type Command =
  | { kind: "help"; topic?: CommandName }
  | { kind: "version" }
  | { kind: "generate"; configPath?: string; check: boolean; watch: boolean; writePrevious: boolean; cache: boolean }
  | { kind: "migrate"; configPath?: string; databaseUrl?: string; dryRun: boolean }
  | { kind: "dev"; configPath?: string; port?: number }
  | { kind: "diff"; oldFile: string; newFile: string; mode?: CompatibilityMode; json: boolean }
  | { kind: "versions"; configPath?: string; databaseUrl?: string; queues: string[]; json: boolean }
  | {
      kind: "prune";
      configPath?: string;
      databaseUrl?: string;
      queues: string[];
      /** Seconds, overriding each queue's archiveRetention. */
      olderThanSeconds?: number;
      dryRun: boolean;
      batchSize?: number;
    }
  | {
      kind: "status";
      configPath?: string;
      databaseUrl?: string;
      all: boolean;
      json: boolean;
      watch: boolean;
      /** Milliseconds between refreshes. */
      intervalMs: number;
      countCap?: number;
    }
  | {
      kind: "dashboard";
      configPath?: string;
      databaseUrl?: string;
      host: string;
      /** 0: any free port. */
      port: number;
      allowActions: boolean;
      countCap?: number;
    }
  | DlqCommand
  | JobCommand;

/** `--interval`'s default, and its bounds: a refresh is a few statements per queue. Milliseconds. */
export const STATUS_INTERVAL = { defaultMs: 2000, minMs: 100, maxMs: 3_600_000 } as const;

export const DLQ_ACTIONS = ["list", "show", "redrive", "purge"] as const;
export type DlqAction = (typeof DLQ_ACTIONS)[number];

/** `pgmq-gen dlq <action> <queue> [<id>]`. */
export interface DlqCommand {
  kind: "dlq";
  action: DlqAction;
  queue: string;
  /** `show`'s dead-letter id. */
  msgId?: bigint;
  configPath?: string;
  databaseUrl?: string;
  /** Only these ids (`--id`, repeatable). */
  ids?: bigint[];
  reason?: string;
  olderThanSeconds?: number;
  limit?: number;
  batchSize?: number;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
}

/** `pgmq-gen job [cancel] <queue> <id>`. */
export interface JobCommand {
  kind: "job";
  action: "show" | "cancel";
  queue: string;
  msgId: bigint;
  configPath?: string;
  databaseUrl?: string;
  json: boolean;
  yes: boolean;
  force: boolean;
}

/** A command line that cannot be run as written. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  /** The command whose help the message points to; none for an unknown command. */
  readonly command: CommandName | undefined;

  constructor(message: string, command?: CommandName) {
    super(message);
    this.command = command;
  }
}

/** An option as written on the command line. */
interface OptionToken {
  /** As typed: `--chek`, `-c`. */
  readonly spelling: string;
  /** The option it names, if any command has it. */
  readonly spec: OptionSpec | undefined;
  /** `--name=value`, `-cvalue` or the next argument; undefined when there was none. */
  readonly value: string | undefined;
  /** The value was attached (`--check=yes`): an error for an option that takes none. */
  readonly attached: boolean;
}

function findOption(name: string, short: boolean): OptionSpec | undefined {
  return ALL_OPTIONS.find((option) => (short ? option.short === name : option.name === name));
}

/**
 * A following argument is an option's value unless it looks like an option
 * itself (`--config --check`). A negative number (`--limit -1`) is no option:
 * it is taken, and its option reports it out of range.
 */
function takeValue(next: string | undefined): string | undefined {
  return next === undefined || (next.startsWith("-") && next !== "-" && !/^-[\d.]/.test(next)) ? undefined : next;
}

/** Splits argv into options and positionals; no judgement yet, so errors can be reported in a useful order. */
function tokenize(args: readonly string[]): { options: OptionToken[]; positionals: string[] } {
  const options: OptionToken[] = [];
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--") {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      const spec = findOption(name, false);
      if (equals !== -1) {
        options.push({ spelling: `--${name}`, spec, value: arg.slice(equals + 1), attached: true });
        continue;
      }
      const value = spec?.valueName !== undefined ? takeValue(args[index + 1]) : undefined;
      if (value !== undefined) index++;
      options.push({ spelling: arg, spec, value, attached: false });
    } else if (arg.startsWith("-") && arg.length > 1) {
      // A group of one-letter options (`-wc path`): a letter that takes a value takes the rest of the group, or the next argument.
      for (let at = 1; at < arg.length; at++) {
        const spec = findOption(arg[at]!, true);
        const rest = arg.slice(at + 1);
        if (spec?.valueName !== undefined) {
          const value = rest !== "" ? rest : takeValue(args[index + 1]);
          if (rest === "" && value !== undefined) index++;
          options.push({ spelling: `-${arg[at]}`, spec, value, attached: rest !== "" });
          break;
        }
        options.push({ spelling: `-${arg[at]}`, spec, value: undefined, attached: false });
      }
    } else {
      positionals.push(arg);
    }
  }
  return { options, positionals };
}

function unknownCommand(name: string): UsageError {
  const suggestion = closestName(name, COMMAND_NAMES);
  const advice =
    suggestion !== undefined ? `did you mean ${suggestion}?` : `the commands are ${COMMAND_NAMES.join(", ")}`;
  return new UsageError(`unknown command "${name}"; ${advice}`);
}

/** Suggests one of `command`'s options, or of any command's when the command itself is unknown. */
function unknownOption(token: OptionToken, command: CommandName | undefined): UsageError {
  const candidates = (command !== undefined ? optionsOf(command) : ALL_OPTIONS).map((option) => option.name);
  // One letter is too short for a useful guess.
  const suggestion = token.spelling.startsWith("--") ? closestName(token.spelling.slice(2), candidates) : undefined;
  return new UsageError(
    `unknown option ${token.spelling}${suggestion !== undefined ? `; did you mean --${suggestion}?` : ""}`,
    command,
  );
}

/** Checks one option against `command`; returns its long name. */
function checkOption(token: OptionToken, command: CommandName): string {
  const { spec } = token;
  if (spec === undefined) throw unknownOption(token, command);
  if (!optionsOf(command).some((option) => option.name === spec.name)) {
    throw new UsageError(`option --${spec.name} does not apply to ${command}`, command);
  }
  if (spec.valueName !== undefined && (token.value === undefined || token.value === "")) {
    throw new UsageError(`option --${spec.name} needs a value: --${spec.name} ${spec.valueName}`, command);
  }
  if (spec.valueName === undefined && token.attached)
    throw new UsageError(`option --${spec.name} takes no value`, command);
  return spec.name;
}

function parsePort(text: string, command: CommandName = "dev", lowest = 1): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= lowest && port <= 65535))
    throw new UsageError(`option --port needs a port number from ${lowest} to 65535, not "${text}"`, command);
  return port;
}

function parseDashboard(values: ReadonlyMap<string, string | undefined>, configPath: { configPath?: string }): Command {
  const databaseUrl = values.get("database-url");
  const port = values.get("port");
  const host = values.get("host");
  const countCap = values.get("count-cap");
  if (host !== undefined && !/^[A-Za-z0-9.:_-]{1,253}$/.test(host))
    throw new UsageError(
      `option --host needs an address such as 127.0.0.1, ::1 or 0.0.0.0, not "${host}"`,
      "dashboard",
    );
  return {
    kind: "dashboard",
    ...configPath,
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    host: host ?? DASHBOARD_DEFAULTS.host,
    port: port !== undefined ? parsePort(port, "dashboard", 0) : DASHBOARD_DEFAULTS.port,
    allowActions: values.has("allow-actions"),
    ...(countCap !== undefined ? { countCap: parseCountCap(countCap, "dashboard") } : {}),
  };
}

function parseMode(text: string): CompatibilityMode {
  const mode = COMPATIBILITY_MODES.find((each) => each === text);
  if (mode !== undefined) return mode;
  const suggestion = closestName(text, COMPATIBILITY_MODES);
  throw new UsageError(
    `option --mode needs ${COMPATIBILITY_MODES.slice(0, -1).join(", ")} or ${COMPATIBILITY_MODES.at(-1)}, not "${text}"${suggestion !== undefined ? `; did you mean ${suggestion}?` : ""}`,
    "diff",
  );
}

/** `500ms`, `2s`, `1.5s`, `1m`, or a bare number of seconds (any duration parseDuration reads), in bounds. */
function parseInterval(text: string): number {
  let ms = Number.NaN;
  try {
    ms = Math.round(parseDuration(text) * 1000);
  } catch {
    // Reported below with the bounds.
  }
  if (!(ms >= STATUS_INTERVAL.minMs && ms <= STATUS_INTERVAL.maxMs))
    throw new UsageError(
      `option --interval needs a time from 100ms to 60m, such as 500ms, 2s or 1m, not "${text}"`,
      "status",
    );
  return ms;
}

function parseCountCap(text: string, command: CommandName = "status"): number {
  const cap = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(cap >= 1 && cap <= MAX_STATUS_COUNT_CAP))
    throw new UsageError(
      `option --count-cap needs a whole number from 1 to ${MAX_STATUS_COUNT_CAP}, not "${text}"`,
      command,
    );
  return cap;
}

function parseOlderThan(text: string): number {
  const seconds = durationSeconds(text, { bareSeconds: true });
  if (seconds === null || seconds > MAX_DATABASE_SECONDS)
    throw new UsageError(
      `option --older-than needs a duration such as 90s, 30m, 12h, 7d, 2w or 1h30m, or a number of seconds (at most ${MAX_DATABASE_SECONDS}), not "${text}"`,
      "prune",
    );
  return seconds;
}

function parseBatchSize(text: string): number {
  const size = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(size >= 1 && size <= MAX_PRUNE_BATCH_SIZE))
    throw new UsageError(
      `option --batch-size needs a whole number from 1 to ${MAX_PRUNE_BATCH_SIZE}, not "${text}"`,
      "prune",
    );
  return size;
}

function parsePrune(
  queues: string[],
  values: ReadonlyMap<string, string | undefined>,
  configPath: { configPath?: string },
): Command {
  const databaseUrl = values.get("database-url");
  const olderThan = values.get("older-than");
  const batchSize = values.get("batch-size");
  return {
    kind: "prune",
    ...configPath,
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    queues,
    ...(olderThan !== undefined ? { olderThanSeconds: parseOlderThan(olderThan) } : {}),
    dryRun: values.has("dry-run"),
    ...(batchSize !== undefined ? { batchSize: parseBatchSize(batchSize) } : {}),
  };
}

function parseStatus(values: ReadonlyMap<string, string | undefined>, configPath: { configPath?: string }): Command {
  const interval = values.get("interval");
  if (interval !== undefined && !values.has("watch"))
    throw new UsageError("--interval is the time between refreshes of --watch; add --watch", "status");
  const databaseUrl = values.get("database-url");
  const countCap = values.get("count-cap");
  return {
    kind: "status",
    ...configPath,
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    all: values.has("all"),
    json: values.has("json"),
    watch: values.has("watch"),
    intervalMs: interval !== undefined ? parseInterval(interval) : STATUS_INTERVAL.defaultMs,
    ...(countCap !== undefined ? { countCap: parseCountCap(countCap) } : {}),
  };
}

/** `diff <old> <new>`: two files, in that order, named by the positionals. */
function parseDiff(files: readonly string[], values: ReadonlyMap<string, string | undefined>): Command {
  const [oldFile, newFile, more] = files;
  if (oldFile === undefined || newFile === undefined) {
    const given = oldFile === undefined ? "none was given" : `only ${JSON.stringify(oldFile)} was given`;
    throw new UsageError(`diff needs two schema files, the old one then the new one; ${given}`, "diff");
  }
  if (more !== undefined) throw new UsageError(`unexpected argument "${more}"`, "diff");
  const mode = values.get("mode");
  return {
    kind: "diff",
    oldFile,
    newFile,
    ...(mode !== undefined ? { mode: parseMode(mode) } : {}),
    json: values.has("json"),
  };
}

/** A message id as typed: digits, from 1 to PostgreSQL's bigint maximum. */
function parseMessageId(text: string, what: string, command: CommandName): bigint {
  const id = /^\d{1,19}$/.test(text) ? BigInt(text) : -1n;
  if (id < 1n || id > MAX_MESSAGE_ID)
    throw new UsageError(`${what} must be a message id (a whole number from 1), not "${text}"`, command);
  return id;
}

function parseQueue(text: string | undefined, command: CommandName, usage: string): string {
  if (text === undefined) throw new UsageError(`${usage}: the queue is missing`, command);
  if (!isQueueName(text)) throw new UsageError(`"${text}" is not a queue name: ${QUEUE_NAME_RULE}`, command);
  return text;
}

function parseCount(text: string, option: string, command: CommandName, max: number): number {
  // 16 digits: up to Number.MAX_SAFE_INTEGER, a --limit's maximum; more are out of range either way.
  const n = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= 1 && n <= max))
    throw new UsageError(`option --${option} needs a whole number from 1 to ${max}, not "${text}"`, command);
  return n;
}

/** Options that only some of a command's actions take: each with the actions that do. */
function checkActionOptions(
  command: CommandName,
  action: string,
  values: ReadonlyMap<string, string | undefined>,
  allowed: Readonly<Record<string, readonly string[]>>,
): void {
  for (const [option, actions] of Object.entries(allowed)) {
    if (values.has(option) && !actions.includes(action))
      throw new UsageError(
        `option --${option} does not apply to ${command} ${action}; it applies to ${actions.map((each) => `${command} ${each}`).join(", ")}`,
        command,
      );
  }
}

function parseDlq(
  positionals: readonly string[],
  values: ReadonlyMap<string, string | undefined>,
  ids: readonly string[],
  common: { configPath?: string },
): DlqCommand {
  const [actionText, queueText, idText, more] = positionals;
  const action = DLQ_ACTIONS.find((each) => each === actionText);
  if (action === undefined) {
    const suggestion = actionText !== undefined ? closestName(actionText, DLQ_ACTIONS) : undefined;
    throw new UsageError(
      actionText === undefined
        ? `dlq needs an action: ${DLQ_ACTIONS.join(", ")}`
        : `unknown dlq action "${actionText}"; ${suggestion !== undefined ? `did you mean ${suggestion}?` : `the actions are ${DLQ_ACTIONS.join(", ")}`}`,
      "dlq",
    );
  }
  const queue = parseQueue(queueText, "dlq", `dlq ${action} <queue>`);
  if (action === "show" && idText === undefined)
    throw new UsageError("dlq show <queue> <id>: the id is missing", "dlq");
  const extra = action === "show" ? more : idText;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, "dlq");
  const filters = ["id", "reason", "older-than", "limit"];
  checkActionOptions("dlq", action, values, {
    ...Object.fromEntries(filters.map((option) => [option, ["list", "redrive", "purge"]])),
    "batch-size": ["redrive", "purge"],
    "dry-run": ["redrive", "purge"],
    yes: ["redrive", "purge"],
    json: ["list", "show"],
  });
  if (values.has("dry-run") && values.has("yes"))
    throw new UsageError("--dry-run changes nothing, so it cannot be combined with --yes", "dlq");
  const databaseUrl = values.get("database-url");
  const reason = values.get("reason");
  const olderThan = values.get("older-than");
  const limit = values.get("limit");
  const batchSize = values.get("batch-size");
  let olderThanSeconds: number | undefined;
  if (olderThan !== undefined) {
    try {
      olderThanSeconds = parseDuration(olderThan);
    } catch (error) {
      throw new UsageError(`option --older-than: ${(error as Error).message}`, "dlq");
    }
  }
  return {
    kind: "dlq",
    action,
    queue,
    ...(action === "show" ? { msgId: parseMessageId(idText!, "the dead letter's id", "dlq") } : {}),
    ...common,
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    ...(ids.length > 0 ? { ids: ids.map((id) => parseMessageId(id, "--id", "dlq")) } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}),
    ...(limit !== undefined ? { limit: parseCount(limit, "limit", "dlq", Number.MAX_SAFE_INTEGER) } : {}),
    ...(batchSize !== undefined ? { batchSize: parseCount(batchSize, "batch-size", "dlq", 100_000) } : {}),
    dryRun: values.has("dry-run"),
    yes: values.has("yes"),
    json: values.has("json"),
  };
}

/** `job <queue> <id>` or `job cancel <queue> <id>`: told apart by the count, so a queue may be named `cancel`. */
function parseJob(
  positionals: readonly string[],
  values: ReadonlyMap<string, string | undefined>,
  common: { configPath?: string },
): JobCommand {
  const cancel = positionals.length >= 3 && positionals[0] === "cancel";
  const [queueText, idText, more] = cancel ? positionals.slice(1) : positionals;
  const action = cancel ? "cancel" : "show";
  const usage = cancel ? "job cancel <queue> <id>" : "job <queue> <id>";
  const queue = parseQueue(queueText, "job", usage);
  if (idText === undefined) throw new UsageError(`${usage}: the id is missing`, "job");
  if (more !== undefined) throw new UsageError(`unexpected argument "${more}"`, "job");
  checkActionOptions("job", action, values, { yes: ["cancel"], force: ["cancel"], json: ["show"] });
  const databaseUrl = values.get("database-url");
  return {
    kind: "job",
    action,
    queue,
    msgId: parseMessageId(idText, "the job's id", "job"),
    ...common,
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    json: values.has("json"),
    yes: values.has("yes"),
    force: values.has("force"),
  };
}

export function parseCommandLine(args: readonly string[]): Command {
  const { options, positionals } = tokenize(args);
  const [named, ...extra] = positionals;
  if (named !== undefined && !isCommandName(named)) {
    // `--confg pgmq.config.ts`: the unknown option is the mistake, its value only looks like a command.
    const unknown = options.find((option) => option.spec === undefined);
    throw unknown !== undefined ? unknownOption(unknown, undefined) : unknownCommand(named);
  }
  const command = named ?? DEFAULT_COMMAND;

  // Asking for help or the version wins over any other mistake on the line.
  if (options.some((option) => option.spec?.name === "help"))
    return named !== undefined ? { kind: "help", topic: named } : { kind: "help" };
  if (options.some((option) => option.spec?.name === "version")) return { kind: "version" };

  const values = new Map<string, string | undefined>();
  for (const token of options) values.set(checkOption(token, command), token.value);
  const configPath = values.get("config") !== undefined ? { configPath: values.get("config")! } : {};

  if (command === "help") {
    const [topic, ...more] = extra;
    if (more.length > 0) throw new UsageError(`unexpected argument "${more[0]}"`, "help");
    if (topic === undefined) return { kind: "help" };
    if (!isCommandName(topic)) throw unknownCommand(topic);
    return { kind: "help", topic };
  }
  if (command === "diff") return parseDiff(extra, values);
  if (command === "dlq") {
    const ids = options.filter((token) => token.spec?.name === "id").map((token) => token.value!);
    return parseDlq(extra, values, ids, configPath);
  }
  if (command === "job") return parseJob(extra, values, configPath);
  if (command === "versions") {
    const databaseUrl = values.get("database-url");
    return {
      kind: "versions",
      ...configPath,
      ...(databaseUrl !== undefined ? { databaseUrl } : {}),
      queues: extra,
      json: values.has("json"),
    };
  }
  if (command === "prune") return parsePrune(extra, values, configPath);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`, command);

  switch (command) {
    case "generate":
      if (values.has("check") && values.has("watch"))
        throw new UsageError("--check and --watch cannot be combined", "generate");
      if (values.has("check") && values.has("write-previous"))
        throw new UsageError("--check writes nothing, so it cannot be combined with --write-previous", "generate");
      return {
        kind: "generate",
        ...configPath,
        check: values.has("check"),
        watch: values.has("watch"),
        writePrevious: values.has("write-previous"),
        cache: !values.has("no-cache"),
      };
    case "migrate": {
      const databaseUrl = values.get("database-url");
      return {
        kind: "migrate",
        ...configPath,
        ...(databaseUrl !== undefined ? { databaseUrl } : {}),
        dryRun: values.has("dry-run"),
      };
    }
    case "status":
      return parseStatus(values, configPath);
    case "dashboard":
      return parseDashboard(values, configPath);
    case "dev": {
      const port = values.get("port");
      return { kind: "dev", ...configPath, ...(port !== undefined ? { port: parsePort(port) } : {}) };
    }
  }
}

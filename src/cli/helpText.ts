/** The help `pgmq-gen --help` and `pgmq-gen help <command>` print, from the command table. */
import {
  COMMAND_NAMES,
  COMMANDS,
  GLOBAL_OPTIONS,
  HELP_OPTION,
  type CommandName,
  type OptionSpec,
} from "./commandSpecs.js";

/** Two columns: each label padded to the longest, continuation lines of the text indented under it. */
function columns(rows: readonly [label: string, text: string][]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.flatMap(([label, text]) =>
    text.split("\n").map((line, index) => `  ${(index === 0 ? label : "").padEnd(width)}${line}`),
  );
}

function optionLabel(option: OptionSpec): string {
  const short = option.short !== undefined ? `-${option.short}, ` : "    ";
  return `${short}--${option.name}${option.valueName !== undefined ? ` ${option.valueName}` : ""}`;
}

/** `pgmq-gen --help`: every command's usage line, what each does, and the global options. */
export function topLevelHelp(): string {
  return [
    "Usage:",
    ...COMMAND_NAMES.map((name) => `  ${COMMANDS[name].usage}`),
    "  pgmq-gen --help | --version",
    "",
    "Commands:",
    ...columns(COMMAND_NAMES.map((name) => [name, COMMANDS[name].summary])),
    "",
    "Options:",
    ...columns(GLOBAL_OPTIONS.map((option) => [optionLabel(option), option.description])),
    "",
    "Run `pgmq-gen help <command>` (or `pgmq-gen <command> --help`) for a command's options.",
  ].join("\n");
}

/** `pgmq-gen help <command>`: its usage line, what it does, and its own options only. */
export function commandHelp(name: CommandName): string {
  const command = COMMANDS[name];
  const options = [...command.options, HELP_OPTION];
  return [
    `Usage: ${command.usage}`,
    "",
    command.description,
    "",
    "Options:",
    ...columns(options.map((option) => [optionLabel(option), option.description])),
  ].join("\n");
}

#!/usr/bin/env node
/**
 * The `pgmq-gen` executable: parses argv, runs one command, sets the exit
 * code. The only module that reads argv or decides how the process ends.
 */
import nodeModule from "node:module";
import { parseCommandLine, UsageError, type Command } from "./commandLine.js";
import { COMMANDS } from "./commandSpecs.js";
import { commandHelp, topLevelHelp } from "./helpText.js";
import { ExitCode, processTerminal, type Terminal } from "./terminal.js";
import { packageVersion } from "./version.js";

// Commands are imported when run: --help and --version answer without
// loading the compiler (ts-morph, ajv, ...), and migrate and dev without it either.

// From Node 22.1, V8's compiled code of every module is kept on disk (in the
// OS temp folder) and reused: compiling the TypeScript compiler that ts-morph
// bundles takes 0.25-0.4 s of every cold start. Node 20 has no such cache.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

async function run(command: Command, terminal: Terminal): Promise<ExitCode> {
  const cwd = process.cwd();
  const configPath =
    command.kind === "help" || command.kind === "version" || command.kind === "diff" ? undefined : command.configPath;
  const common = { cwd, ...(configPath !== undefined ? { configPath } : {}) };
  switch (command.kind) {
    case "help":
      terminal.out(command.topic !== undefined ? commandHelp(command.topic) : topLevelHelp());
      return ExitCode.ok;
    case "version":
      terminal.out(await packageVersion());
      return ExitCode.ok;
    case "generate": {
      if (command.watch) {
        const { runWatchCommand } = await import("./watchCommand.js");
        return runWatchCommand({ ...common, writePrevious: command.writePrevious, cache: command.cache }, terminal);
      }
      const { runGenerateCommand } = await import("./generateCommand.js");
      return runGenerateCommand(
        { ...common, check: command.check, writePrevious: command.writePrevious, cache: command.cache },
        terminal,
      );
    }
    case "migrate": {
      const { runMigrateCommand } = await import("./migrateCommand.js");
      const databaseUrl = command.databaseUrl ?? process.env.DATABASE_URL;
      return runMigrateCommand(
        { ...common, ...(databaseUrl !== undefined ? { databaseUrl } : {}), dryRun: command.dryRun },
        terminal,
      );
    }
    case "dev": {
      const { runDevCommand } = await import("./devCommand.js");
      return runDevCommand({ ...common, ...(command.port !== undefined ? { port: command.port } : {}) }, terminal);
    }
    case "diff": {
      const { runDiffCommand } = await import("./diffCommand.js");
      const { oldFile, newFile, mode, json } = command;
      return runDiffCommand({ cwd, oldFile, newFile, ...(mode !== undefined ? { mode } : {}), json }, terminal);
    }
    case "versions": {
      const { runVersionsCommand } = await import("./versionsCommand.js");
      const databaseUrl = command.databaseUrl ?? process.env.DATABASE_URL;
      return runVersionsCommand(
        {
          ...common,
          ...(databaseUrl !== undefined ? { databaseUrl } : {}),
          queues: command.queues,
          json: command.json,
        },
        terminal,
      );
    }
    case "prune": {
      const { runPruneCommand } = await import("./pruneCommand.js");
      const databaseUrl = command.databaseUrl ?? process.env.DATABASE_URL;
      const { queues, olderThanSeconds, dryRun, batchSize } = command;
      return runPruneCommand(
        {
          ...common,
          ...(databaseUrl !== undefined ? { databaseUrl } : {}),
          queues,
          ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}),
          dryRun,
          ...(batchSize !== undefined ? { batchSize } : {}),
        },
        terminal,
      );
    }
    case "status": {
      const { runStatusCommand } = await import("./statusCommand.js");
      const databaseUrl = command.databaseUrl ?? process.env.DATABASE_URL;
      const { all, json, watch, intervalMs, countCap } = command;
      return runStatusCommand(
        {
          ...common,
          ...(databaseUrl !== undefined ? { databaseUrl } : {}),
          all,
          json,
          watch,
          intervalMs,
          ...(countCap !== undefined ? { countCap } : {}),
          interactive: process.stdout.isTTY === true,
        },
        terminal,
      );
    }
    case "dashboard": {
      const { runDashboardCommand } = await import("./dashboardCommand.js");
      const databaseUrl = command.databaseUrl ?? process.env.DATABASE_URL;
      const environmentToken = process.env.PGMQ_GEN_DASHBOARD_TOKEN;
      const { host, port, allowActions, countCap } = command;
      return runDashboardCommand(
        {
          ...common,
          ...(databaseUrl !== undefined ? { databaseUrl } : {}),
          host,
          port,
          allowActions,
          ...(environmentToken !== undefined ? { environmentToken } : {}),
          ...(countCap !== undefined ? { countCap } : {}),
        },
        terminal,
      );
    }
    case "dlq":
    case "job": {
      const { processConfirmation } = await import("./confirmation.js");
      const databaseUrl = command.databaseUrl ?? process.env.DATABASE_URL;
      const session = { ...common, ...(databaseUrl !== undefined ? { databaseUrl } : {}) };
      if (command.kind === "dlq") {
        const { runDlqCommand } = await import("./dlqCommand.js");
        return runDlqCommand({ ...session, command }, terminal, processConfirmation);
      }
      const { runJobCommand } = await import("./jobCommand.js");
      return runJobCommand({ ...session, command }, terminal, processConfirmation);
    }
  }
}

async function main(): Promise<void> {
  let command: Command;
  try {
    command = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // The reason, the usage line of the command at fault and where to read more; the full help would bury the reason.
    const usage = error.command !== undefined ? [`Usage: ${COMMANDS[error.command].usage}`] : [];
    const more =
      error.command !== undefined
        ? `Run \`pgmq-gen help ${error.command}\` for its options.`
        : "Run `pgmq-gen help` for the commands.";
    processTerminal.err([`pgmq-gen: ${error.message}`, ...usage, more].join("\n"));
    process.exitCode = ExitCode.usage;
    return;
  }
  process.exitCode = await run(command, processTerminal);
}

await main();

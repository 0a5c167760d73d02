/** `pgmq-gen [generate] [--check] [--write-previous]`: one compile pass. */
import { generate } from "../compiler.js";
import { checkReport, errorLines, generateSummary, lockLines, warningLines } from "./messages.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface GenerateCommandOptions {
  cwd: string;
  configPath?: string;
  check: boolean;
  writePrevious: boolean;
  cache: boolean;
}

export async function runGenerateCommand(options: GenerateCommandOptions, terminal: Terminal): Promise<ExitCode> {
  try {
    const result = await generate({ ...options, logger: { info: (message) => terminal.out(`pgmq-gen: ${message}`) } });
    for (const line of warningLines(result)) terminal.err(line);
    if (!options.check) {
      terminal.out(generateSummary(result));
      for (const line of lockLines(result, options.cwd)) terminal.out(line);
      return ExitCode.ok;
    }
    const report = checkReport(result, options.cwd);
    for (const line of report.lines) (report.fresh ? terminal.out : terminal.err)(line);
    return report.fresh ? ExitCode.ok : ExitCode.failed;
  } catch (error) {
    for (const line of errorLines(error)) terminal.err(line);
    return ExitCode.failed;
  }
}

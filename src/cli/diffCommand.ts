/**
 * `pgmq-gen diff <old> <new>`: every change between two schema files and
 * whether it breaks compatibility in the mode asked for (issue 14 §1), for CI
 * to run before a schema change ships. The report goes to stdout whatever
 * the verdict, so it can be piped; errors go to stderr.
 *
 * Exit codes: 0 compatible, 1 a change breaks, 2 a file cannot be compared
 * (missing, not JSON, not a schema, a `$ref` leading nowhere). An unexpected
 * failure is 1 too: a gate that lets a change through only on 0 stays shut.
 */
import { CompileError } from "../errors.js";
import { compareSchemas } from "../evolution/compareSchemas.js";
import type { CompatibilityMode, SchemaComparison } from "../evolution/types.js";
import { readBundledSchemaFile } from "./bundledSchemaFile.js";
import { diffReportJson, diffReportLines } from "./diffReport.js";
import { errorLines } from "./messages.js";
import { ExitCode, type Terminal } from "./terminal.js";

export interface DiffCommandOptions {
  /** Folder the two paths are relative to, and paths in messages. */
  cwd: string;
  oldFile: string;
  newFile: string;
  /** Which payloads must survive the change. (Default: compareSchemas' own, `"backward"`) */
  mode?: CompatibilityMode;
  /** Print the comparison as JSON instead of lines. (Default: false) */
  json?: boolean;
}

/** The TypeError compareSchemas throws at a value in schema position that is not a schema (docs/api.md). */
function isNotASchema(error: unknown): error is TypeError {
  return error instanceof TypeError && error.message.startsWith("not a JSON Schema");
}

export async function runDiffCommand(options: DiffCommandOptions, terminal: Terminal): Promise<ExitCode> {
  const { cwd, oldFile, newFile } = options;
  // Both files are read whatever happens to the other: one run reports what is wrong with each.
  const read = await Promise.allSettled([readBundledSchemaFile(oldFile, cwd), readBundledSchemaFile(newFile, cwd)]);
  const failures = read.flatMap((each) => (each.status === "rejected" ? [each.reason as unknown] : []));
  if (failures.length > 0) {
    for (const error of failures) for (const line of errorLines(error)) terminal.err(line);
    return failures.every((error) => error instanceof CompileError) ? ExitCode.usage : ExitCode.failed;
  }
  const [oldSchema, newSchema] = read.map((each) => (each.status === "fulfilled" ? each.value : undefined));

  let comparison: SchemaComparison;
  try {
    comparison = compareSchemas(oldSchema, newSchema, options.mode !== undefined ? { mode: options.mode } : {});
  } catch (error) {
    if (!isNotASchema(error)) {
      for (const line of errorLines(error)) terminal.err(line);
      return ExitCode.failed;
    }
    // The pointer is into one of the two bundled documents; which one, the checker does not say.
    terminal.err(`error: ${oldFile} or ${newFile}: ${error.message}; a schema is an object or a boolean`);
    return ExitCode.usage;
  }

  if (options.json === true) terminal.out(diffReportJson(comparison));
  else for (const line of diffReportLines(comparison)) terminal.out(line);
  return comparison.compatible ? ExitCode.ok : ExitCode.failed;
}

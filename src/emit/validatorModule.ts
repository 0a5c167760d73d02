/**
 * `<queue>.validator.ts`: the queue's schema compiled by ajv at generation
 * time into standalone JavaScript, so applications never compile a schema at
 * start-up. The code is ajv's; this module only binds its helpers to the
 * runtime and gives its one export a type.
 */
import { CompileError } from "../errors.js";
import type { QueueModel } from "../model/types.js";
import type { ValidatorSourceOutcome } from "../model/validatorSource.js";
import { indentAjvCode } from "./ajvIndent.js";
import { finishMachineModule, printMachineModule } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";
import { rewriteValidatorRequires } from "./validatorRequires.js";

/** ajv's ESM preamble: `"use strict"` (modules are strict already) and its two exports of the function. */
const USE_STRICT = /^"use strict";\n/;
const EXPORTS = /^export const validate = (validate\d+);\nexport default \1;\n/m;

/** A top-level constant of ajv's code (`const schema1 = {...};`, one line each with `code.lines`). */
const TOP_LEVEL_CONSTANT = /^const ([A-Za-z_$][\w$]*) = .*;$/gm;

/**
 * ajv's code without the top-level constants nothing reads: it declares every
 * subschema it resolved (`schema1`), though only those whose values an error
 * quotes (an `enum`'s allowed values) are used. A name that occurs anywhere
 * else, even inside a string, is kept.
 */
function withoutUnusedConstants(code: string): string {
  const unused = new Set<string>();
  for (const [, name] of code.matchAll(TOP_LEVEL_CONSTANT)) {
    if (code.match(new RegExp(`\\b${name!.replace(/\$/g, "\\$")}\\b`, "g"))!.length === 1) unused.add(name!);
  }
  return unused.size === 0
    ? code
    : code.replace(TOP_LEVEL_CONSTANT, (line, name: string) => (unused.has(name) ? "" : line));
}

/**
 * The whole module, banner included, from `compiled`: ajv's standalone ESM
 * source for the queue's schema (see model/validatorSource.ts), with its own
 * exports still in place.
 */
export function emitValidatorModule(
  queue: QueueModel,
  compiled: ValidatorSourceOutcome,
  runtimeImport: string,
  configFile: string,
): string {
  const location = { file: queue.schemaFile ?? configFile, queue: queue.key, pointer: "" };
  if (!compiled.ok) throw new CompileError(location, `cannot generate the validator: ${compiled.message}`);
  let source: string;
  try {
    source = rewriteValidatorRequires(compiled.source);
  } catch (error) {
    throw new CompileError(location, `cannot generate the validator: ${(error as Error).message}`, { cause: error });
  }
  const exported = EXPORTS.exec(source);
  if (exported === null) {
    throw new CompileError(
      location,
      "cannot generate the validator: ajv's standalone output no longer has the expected exports (ajv upgrade?)",
    );
  }
  const body = withoutUnusedConstants(source.replace(USE_STRICT, "").replace(EXPORTS, ""));
  // ajv writes one statement per line (`code.lines`), so indenting it is enough; the printer is for code in a shape ajvIndent.ts does not know.
  const indented = indentAjvCode(body);
  const text = [
    fillTemplate("validator-nocheck.md", {}),
    `import { validatorRuntime, type JobValidator } from ${JSON.stringify(runtimeImport)};`,
    `import type { ${queue.names.job} } from "./${queue.names.file}.js";`,
    "",
    `/** Validates one \`${queue.key}\` job; on failure \`${queue.names.validator}.errors\` lists ajv's errors. */`,
    `export const ${queue.names.validator}: JobValidator<${queue.names.job}> = ${exported[1]};`,
    "",
    indented ?? body,
  ].join("\n");
  return indented === null ? printMachineModule(text, configFile) : finishMachineModule(text, configFile);
}

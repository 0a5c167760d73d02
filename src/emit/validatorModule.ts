/**
 * `<queue>.validator.ts`: the queue's schema compiled by ajv at generation
 * time into standalone code, so applications never compile a schema at
 * start-up. The code is ajv's, typed (validatorTypes.ts) and formatted by
 * prettier; this module binds its helpers to the runtime and exports its
 * validate function as the queue's type guard.
 */
import { CompileError } from "../errors.js";
import { type ArtifactMemo, NO_MEMO } from "../model/artifactMemo.js";
import type { QueueModel } from "../model/types.js";
import type { ValidatorSourceOutcome } from "../model/validatorSource.js";
import { finishMachineModule, LINE_WIDTH } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";
import { rewriteValidatorRequires } from "./validatorRequires.js";
import { typeValidatorCode } from "./validatorTypes.js";

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

/** The layout of the other generated modules: Biome's, which prettier's options below reproduce. */
const PRETTIER_OPTIONS = {
  parser: "typescript",
  printWidth: LINE_WIDTH,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  bracketSpacing: true,
  arrowParens: "always",
  // ajv's code holds no tagged templates to format.
  embeddedLanguageFormatting: "off",
} as const;

/** prettier is loaded on first use: a run whose validators all come from the build cache never needs it. */
let prettierModule: Promise<typeof import("prettier")> | undefined;

/**
 * The whole module, banner included, from `compiled`: ajv's standalone ESM
 * source for the queue's schema (see model/validatorSource.ts), with its own
 * exports still in place. Formatting it is the costly part, so the module is
 * remembered in `cache`, keyed by everything it is written from.
 */
export async function emitValidatorModule(
  queue: QueueModel,
  compiled: ValidatorSourceOutcome,
  runtimeImport: string,
  configFile: string,
  cache: ArtifactMemo = NO_MEMO,
): Promise<string> {
  if (!cache.enabled || !compiled.ok) return writeValidatorModule(queue, compiled, runtimeImport, configFile);
  const { key, names } = queue;
  const input = JSON.stringify([
    compiled.source,
    key,
    names.job,
    names.file,
    names.validator,
    runtimeImport,
    configFile,
  ]);
  const cached = cache.get("validator-module", input);
  if (cached !== undefined) return cached;
  const written = await writeValidatorModule(queue, compiled, runtimeImport, configFile);
  cache.set("validator-module", input, written);
  return written;
}

async function writeValidatorModule(
  queue: QueueModel,
  compiled: ValidatorSourceOutcome,
  runtimeImport: string,
  configFile: string,
): Promise<string> {
  const location = { file: queue.schemaFile ?? configFile, queue: queue.key, pointer: "" };
  const fail = (message: string, cause?: unknown) =>
    new CompileError(location, `cannot generate the validator: ${message}`, cause === undefined ? {} : { cause });
  if (!compiled.ok) throw fail(compiled.message);
  let source: string;
  try {
    source = rewriteValidatorRequires(compiled.source);
  } catch (error) {
    throw fail((error as Error).message, error);
  }
  const exported = EXPORTS.exec(source);
  if (exported === null) {
    throw fail("ajv's standalone output no longer has the expected exports (ajv upgrade?)");
  }
  const body = withoutUnusedConstants(source.replace(USE_STRICT, "").replace(EXPORTS, ""));
  let typed: ReturnType<typeof typeValidatorCode>;
  try {
    typed = typeValidatorCode(body, exported[1]!, queue.names.job);
  } catch (error) {
    throw fail(`${(error as Error).message} (ajv upgrade? see src/emit/validatorTypes.ts)`, error);
  }
  const imports = [
    ...(/\bvalidatorRuntime\./.test(typed.code) ? ["validatorRuntime"] : []),
    ...["JobValidator", ...typed.runtimeTypes].sort().map((name) => `type ${name}`),
  ];
  const text = [
    fillTemplate("validator.md", {}),
    `import { ${imports.join(", ")} } from ${JSON.stringify(runtimeImport)};`,
    `import type { ${queue.names.job} } from "./${queue.names.file}.js";`,
    "",
    `/** Validates one \`${queue.key}\` job; on failure \`${queue.names.validator}.errors\` lists ajv's errors. */`,
    `export const ${queue.names.validator}: JobValidator<${queue.names.job}> = ${exported[1]};`,
    "",
    typed.code,
  ].join("\n");
  prettierModule ??= import("prettier");
  const { format } = await prettierModule;
  let formatted: string;
  try {
    formatted = await format(text, PRETTIER_OPTIONS);
  } catch (error) {
    throw fail(`prettier cannot format ajv's typed code: ${(error as Error).message}`, error);
  }
  return finishMachineModule(formatted, configFile);
}

/**
 * `<queue>.validator.ts`: the queue's schema compiled by ajv at generation
 * time into standalone code, so applications never compile a schema at
 * start-up. The code is ajv's, typed (validatorTypes.ts) and formatted by
 * prettier; this module binds its helpers to the runtime and exports its
 * validate function as the queue's type guard. An older version a queue
 * keeps (config `previous`) gets one too, `<queue>.v<N>.validator.ts`,
 * guarding that version's job type.
 */
import { CompileError } from "../errors.js";
import { type ArtifactMemo, NO_MEMO } from "../model/artifactMemo.js";
import type { PreviousVersionModel, QueueModel } from "../model/types.js";
import type { ValidatorSourceOutcome } from "../model/validatorSource.js";
import { finishMachineModule, LINE_WIDTH } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";
import { rewriteValidatorRequires } from "./validatorRequires.js";
import { typeValidatorCode } from "./validatorTypes.js";

/** The schema a validator module checks, and the names it is written with. */
export interface ValidatorTarget {
  /** The queue's key. */
  readonly queue: string;
  /** Where the schema came from, relative to the config file's folder, or null when inline; for errors. */
  readonly schemaFile: string | null;
  /** The job type the validator guards: "SignupEmailJob", "SignupEmailJobV1". */
  readonly job: string;
  /** The exported validator: "validateSignupEmailJob", "validateSignupEmailJobV1". */
  readonly validator: string;
  /** Base name of the module declaring `job`: "signup-email", "signup-email.v1". */
  readonly file: string;
  /** The older version the schema is, or null for the queue's current schema. */
  readonly version: number | null;
}

export function queueValidator(queue: QueueModel): ValidatorTarget {
  const { names } = queue;
  return {
    queue: queue.key,
    schemaFile: queue.schemaFile,
    job: names.job,
    validator: names.validator,
    file: names.file,
    version: null,
  };
}

export function previousVersionValidator(queue: QueueModel, previous: PreviousVersionModel): ValidatorTarget {
  const { names } = previous;
  return {
    queue: queue.key,
    schemaFile: previous.schemaFile,
    job: names.job,
    validator: names.validator,
    file: names.file,
    version: previous.version,
  };
}

/** ajv's ESM preamble: `"use strict"` (modules are strict already) and its two exports of the function. */
const USE_STRICT = /^"use strict";\n/;
const EXPORTS = /^export const validate = (validate\d+);\nexport default \1;\n/m;

/** A top-level constant of ajv's code (`const schema1 = {...};`, one line each with `code.lines`). */
const TOP_LEVEL_CONSTANT = /^const ([A-Za-z_$][\w$]*) = .*;$/gm;

/** A JavaScript identifier, or a word of a string that reads like one. */
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/**
 * ajv's code without the top-level constants nothing reads: it declares every
 * subschema it resolved (`schema1`), though only those whose values an error
 * quotes (an `enum`'s allowed values) are used. A name that occurs anywhere
 * else, even inside a string, is kept.
 *
 * Every identifier is counted in one pass: a search of the whole code per
 * constant took minutes on a schema of 20,000 properties (as many constants).
 */
function withoutUnusedConstants(code: string): string {
  const occurrences = new Map<string, number>();
  for (const [word] of code.matchAll(IDENTIFIER)) occurrences.set(word, (occurrences.get(word) ?? 0) + 1);
  const unused = new Set<string>();
  for (const [, name] of code.matchAll(TOP_LEVEL_CONSTANT)) {
    if (occurrences.get(name!) === 1) unused.add(name!);
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
  target: ValidatorTarget,
  compiled: ValidatorSourceOutcome,
  runtimeImport: string,
  configFile: string,
  cache: ArtifactMemo = NO_MEMO,
): Promise<string> {
  if (!cache.enabled || !compiled.ok) return writeValidatorModule(target, compiled, runtimeImport, configFile);
  const input = JSON.stringify([
    compiled.source,
    target.queue,
    target.job,
    target.file,
    target.validator,
    runtimeImport,
    configFile,
    // Only an older version's module says which version it is: a current schema's key is what it always was.
    ...(target.version === null ? [] : [target.version]),
  ]);
  const cached = cache.get("validator-module", input);
  if (cached !== undefined) return cached;
  const written = await writeValidatorModule(target, compiled, runtimeImport, configFile);
  cache.set("validator-module", input, written);
  return written;
}

async function writeValidatorModule(
  target: ValidatorTarget,
  compiled: ValidatorSourceOutcome,
  runtimeImport: string,
  configFile: string,
): Promise<string> {
  const location = { file: target.schemaFile ?? configFile, queue: target.queue, pointer: "" };
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
    typed = typeValidatorCode(body, exported[1]!, target.job);
  } catch (error) {
    throw fail(`${(error as Error).message} (ajv upgrade? see src/emit/validatorTypes.ts)`, error);
  }
  const imports = [
    ...(/\bvalidatorRuntime\./.test(typed.code) ? ["validatorRuntime"] : []),
    ...["JobValidator", ...typed.runtimeTypes].sort().map((name) => `type ${name}`),
  ];
  const jobDescription =
    target.version === null ? `\`${target.queue}\`` : `version ${target.version} \`${target.queue}\``;
  const text = [
    fillTemplate("validator.md", {}),
    `import { ${imports.join(", ")} } from ${JSON.stringify(runtimeImport)};`,
    `import type { ${target.job} } from "./${target.file}.js";`,
    "",
    `/** Validates one ${jobDescription} job; on failure \`${target.validator}.errors\` lists ajv's errors. */`,
    `export const ${target.validator}: JobValidator<${target.job}> = ${exported[1]};`,
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

/**
 * Types for ajv's standalone validator code, so it compiles under a user's
 * strictest settings (strict, noUnusedLocals, noUnusedParameters,
 * exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature, ...)
 * without `@ts-nocheck`.
 *
 * ajv's code is JavaScript that tests a value of any shape with `typeof` and
 * reads its properties, so the value is `any`, as are the variables ajv
 * fills from several places (its error list, `var` flags read across
 * branches); everything else is inferred and checked. Only statements of the
 * shapes ajv's code generator writes are rewritten, one per line as
 * `code.lines` writes them: a function header or a `validateN.<property>`
 * this does not know is an error, never code that might not compile.
 */

/** A rewrite that found a shape it does not know. */
export class ValidatorShapeError extends Error {}

/** What the typed code imports from the runtime, besides validatorRuntime when it uses it. */
export interface TypedValidatorCode {
  readonly code: string;
  /** Runtime type names the code uses, sorted. */
  readonly runtimeTypes: readonly string[];
}

const HEADER =
  /^function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data(, dynamicAnchors=\{\})?\}=\{\}\)\{$/;
/** ajv's `/*# sourceURL=<$id> *\/` line, for code run by `new Function`; a file has its own name. */
const SOURCE_URL = /^\/\*# sourceURL=.* \*\/$/;
/** The properties ajv's code keeps on its functions. */
const FUNCTION_PROPERTY = /\b(validate\d+)\.([A-Za-z_$][\w$]*)/g;
const STRING = /"(?:[^"\\]|\\.)*"/g;
/** `let x;` and `let x = null;`: ajv fills them later, with values of several types. */
const UNTYPED_LET = /^let ([A-Za-z_$][\w$]*)( = null)?;$/;
/** `var` declarations: flags and evaluated-property records, read in other branches than the one that sets them. */
const VAR = /^var ([A-Za-z_$][\w$]*) = /;
/** A (sub)schema ajv quotes in errors (`schema0.properties.size.enum`): `as const`, so indexing its arrays is in bounds. */
const SCHEMA_CONSTANT = /^(const schema\d+ = .*);$/;
/** uniqueItems' map from an item to its index. */
const INDICES = /^const (indices\d+) = \{\};$/;
/** multipleOf's guard against a zero divisor, which for a literal non-zero divisor compares two distinct literals. */
const NONZERO_DIVISOR_GUARD = /\((-?(?:[1-9]\d*|0?\.\d*[1-9]\d*|[1-9]\d*\.\d*)(?:e[+-]?\d+)?) === 0 \|\| /g;

/** The destructured context parameter, element by element: the name and its text. */
const CONTEXT_ELEMENTS = [
  ["instancePath", 'instancePath = ""'],
  ["parentData", "parentData"],
  ["parentDataProperty", "parentDataProperty"],
  ["rootData", "rootData = data"],
  ["dynamicAnchors", "dynamicAnchors = {}"],
] as const;

function occurrences(text: string, name: string): number {
  return text.match(new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g"))?.length ?? 0;
}

/** How often `body` reads `name`: not as a property key (`{parentData:data}`, ajv writes no space before the colon). */
function reads(body: string, name: string): number {
  return body.match(new RegExp(`(?<![\\w$.])${name}(?![\\w$:])`, "g"))?.length ?? 0;
}

/** The function bodies: from each header to the next (top-level statements between them mention no parameters). */
function functionSpans(lines: readonly string[]): { name: string; start: number; end: number }[] {
  const starts: number[] = [];
  lines.forEach((line, index) => {
    if (line.startsWith("function ")) starts.push(index);
  });
  return starts.map((start, i) => {
    const header = HEADER.exec(lines[start]!);
    if (header === null) throw new ValidatorShapeError(`a function header pgmq-gen does not know: ${lines[start]}`);
    return { name: header[1]!, start, end: starts[i + 1] ?? lines.length };
  });
}

/** `let x;` variables that ajv only ever assigns (`(missing0 = "to")` in a required check): dropped, with their assignments. */
function withoutWriteOnlyLets(code: string): string {
  let result = code;
  const unquoted = code.replace(STRING, '""');
  for (const [, name] of code.matchAll(/^let ([A-Za-z_$][\w$]*);$/gm)) {
    const assignment = new RegExp(`(?<![\\w$])${name}( = )(?!=)`, "g");
    const writes = unquoted.match(assignment)?.length ?? 0;
    if (occurrences(unquoted, name!) === writes + 1) {
      result = result.replace(new RegExp(`^let ${name};\\n`, "m"), "").replace(assignment, "");
    }
  }
  return result;
}

/**
 * ajv's code (top-level constants and `validateN` functions, one statement a
 * line, unindented), typed; `exported` is the function the module exports,
 * whose result is a type guard for `jobType`.
 */
export function typeValidatorCode(code: string, exported: string, jobType: string): TypedValidatorCode {
  const runtimeTypes = new Set<string>(["CompiledValidatorError"]);
  const lines = withoutWriteOnlyLets(code)
    .split("\n")
    .filter((line) => !SOURCE_URL.test(line));
  const spans = functionSpans(lines);
  if (!spans.some((span) => span.name === exported)) {
    throw new ValidatorShapeError(`ajv's code has no function ${exported}`);
  }
  const evaluatedFunctions = new Set<string>();
  for (const [, name, property] of code.matchAll(FUNCTION_PROPERTY)) {
    if (property === "evaluated") evaluatedFunctions.add(name!);
    else if (property !== "errors") throw new ValidatorShapeError(`ajv's code reads ${name}.${property}`);
  }

  const out: string[] = [];
  let spanIndex = 0;
  lines.forEach((line, index) => {
    const span = spans[spanIndex];
    if (span !== undefined && index === span.start) {
      spanIndex++;
      const body = lines
        .slice(span.start + 1, span.end)
        .join("\n")
        .replace(STRING, '""');
      const dynamic = HEADER.exec(line)![2] !== undefined;
      const used = CONTEXT_ELEMENTS.filter(
        ([name]) => (name !== "dynamicAnchors" || dynamic) && reads(body, name) > 0,
      ).map(([, text]) => text);
      const context =
        used.length === 0 ? "_context?: ValidatorContext" : `{ ${used.join(", ")} }: ValidatorContext = {}`;
      const result = span.name === exported ? `data is ${jobType}` : "boolean";
      runtimeTypes.add("ValidatorContext");
      // What ajv stores on its functions: the errors of the last call, and what it evaluated.
      out.push(`declare namespace ${span.name} {`, "let errors: CompiledValidatorError[] | null;");
      if (evaluatedFunctions.has(span.name)) {
        out.push("let evaluated: ValidatorEvaluated;");
        runtimeTypes.add("ValidatorEvaluated");
      }
      out.push("}", `function ${span.name}(data: any, ${context}): ${result} {`);
      return;
    }
    const untyped = UNTYPED_LET.exec(line);
    if (untyped !== null) {
      out.push(`let ${untyped[1]}: any${untyped[2] ?? ""};`);
      return;
    }
    const schema = SCHEMA_CONSTANT.exec(line);
    if (schema !== null) {
      out.push(`${schema[1]} as const;`);
      return;
    }
    const indices = INDICES.exec(line);
    if (indices !== null) {
      out.push(`const ${indices[1]}: Record<string, number> = {};`);
      return;
    }
    out.push(line.replace(VAR, "var $1: any = ").replace(NONZERO_DIVISOR_GUARD, "("));
  });
  return { code: out.join("\n"), runtimeTypes: [...runtimeTypes].sort() };
}

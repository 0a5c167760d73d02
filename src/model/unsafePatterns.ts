/**
 * Finds schema patterns with catastrophic backtracking: a `pattern` (or a
 * `patternProperties` key) such as `^(a+)+$` that the validator's regular
 * expression engine (V8's, a backtracking one) takes exponential or
 * polynomial time to match on a crafted string. One such string in a push, or
 * in a message another client wrote, blocks the event loop of the producer or
 * worker that validates it for seconds, then minutes.
 *
 * The check is recheck's (https://makenowjust-labs.github.io/recheck/), which
 * decides it from the pattern's automaton rather than guessing from its shape
 * (safe-regex2 flags the common slug pattern `^[a-z0-9]+(?:-[a-z0-9]+)*$` and
 * misses `(a|a)*`), and gives a string that shows the blow-up. It runs in its
 * own process (a native binary where recheck ships one, else a worker
 * thread), is loaded only when a pattern's verdict is not in the build cache,
 * and is never part of the runtime: the validators keep V8's engine, which is
 * many times faster per match than a linear-time one (re2js) on the patterns
 * people write.
 */
import { CompileWarning, type CompileErrorLocation } from "../errors.js";
import type { ArtifactMemo } from "./artifactMemo.js";
import { formatPointer } from "./jsonPointer.js";
import type { SchemaFile } from "./schemaFiles.js";
import type { SchemaGraph } from "./schemaGraph.js";
import { isSchemaObject } from "./subschemas.js";

/** What to do with a pattern that can take super-linear time: see `PgmqGenConfig.unsafePatterns`. */
export type UnsafePatternsMode = "warn" | "error" | "off";

type PatternVerdict =
  | { readonly kind: "safe" }
  | { readonly kind: "exponential"; readonly attack: string }
  | { readonly kind: "polynomial"; readonly degree: number; readonly attack: string };

/**
 * Milliseconds recheck may spend on one pattern; past it the pattern is not
 * reported (recheck cannot tell). Real patterns take 5-500 ms.
 */
const CHECK_TIMEOUT_MS = 5_000;

/** ajv compiles patterns with the `u` flag (its `unicodeRegExp` default). */
const FLAGS = "u";

const verdicts = new Map<string, Promise<PatternVerdict>>();

async function checkPattern(pattern: string): Promise<PatternVerdict> {
  const { check } = await import("recheck");
  const result = await check(pattern, FLAGS, { timeout: CHECK_TIMEOUT_MS });
  if (result.status !== "vulnerable") return { kind: "safe" };
  const attack = result.attack.pattern;
  return result.complexity.type === "exponential"
    ? { kind: "exponential", attack }
    : { kind: "polynomial", degree: result.complexity.degree, attack };
}

/** The verdict on `pattern`: from the build cache, or checked once per process. */
function patternVerdict(pattern: string, cache: ArtifactMemo): Promise<PatternVerdict> {
  const cached = cache.get("pattern-check", pattern);
  if (cached !== undefined) return Promise.resolve(JSON.parse(cached) as PatternVerdict);
  let verdict = verdicts.get(pattern);
  if (verdict === undefined) {
    verdict = checkPattern(pattern);
    verdicts.set(pattern, verdict);
    // A failed check is not remembered, so the next build tries again.
    verdict.catch(() => verdicts.delete(pattern));
  }
  return verdict.then((found) => {
    cache.set("pattern-check", pattern, JSON.stringify(found));
    return found;
  });
}

function describe(pattern: string, verdict: Exclude<PatternVerdict, { kind: "safe" }>): string {
  const quoted = JSON.stringify(pattern);
  const growth =
    verdict.kind === "exponential"
      ? `can take exponential time to match (catastrophic backtracking): each extra character can double the time, so a string such as ${verdict.attack} blocks the producer or worker validating it for seconds or more`
      : `can take polynomial time (degree ${verdict.degree}) to match: on a long string such as ${verdict.attack} the time grows as its length to the power ${verdict.degree}, blocking the producer or worker validating it (maxLength does not prevent this: every keyword is checked)`;
  return `pattern ${quoted} ${growth}. Rewrite it so that no part of a string can be matched in more than one way (no repeated group whose body can repeat itself, as in (a+)+, and no alternatives or adjacent repeats that match the same characters), or use a format; set unsafePatterns: "off" in the config to accept it`;
}

/** Every pattern the graph's schemas apply, with the location of each. */
function patternsOf(
  graph: SchemaGraph,
  locationOf: (file: SchemaFile) => CompileErrorLocation,
): { pattern: string; location: CompileErrorLocation }[] {
  const found: { pattern: string; location: CompileErrorLocation }[] = [];
  for (const node of graph.reachable) {
    const at = (tokens: string[]) => ({ ...locationOf(node.file), pointer: node.pointer + formatPointer(tokens) });
    const { pattern, patternProperties } = node.schema;
    if (typeof pattern === "string") found.push({ pattern, location: at(["pattern"]) });
    if (isSchemaObject(patternProperties)) {
      for (const key of Object.keys(patternProperties))
        found.push({ pattern: key, location: at(["patternProperties", key]) });
    }
  }
  return found;
}

/** A warning at each pattern of the graph that can take super-linear time, in document order. */
export async function findUnsafePatterns(
  graph: SchemaGraph,
  locationOf: (file: SchemaFile) => CompileErrorLocation,
  cache: ArtifactMemo,
): Promise<CompileWarning[]> {
  const patterns = patternsOf(graph, locationOf);
  const found = await Promise.all(patterns.map(({ pattern }) => patternVerdict(pattern, cache)));
  return patterns.flatMap(({ pattern, location }, index) => {
    const verdict = found[index]!;
    return verdict.kind === "safe" ? [] : [new CompileWarning(location, describe(pattern, verdict))];
  });
}

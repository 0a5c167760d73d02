/**
 * Each queue's schema is compiled by ajv once per build, on a compiler thread
 * (compileThreads.ts), or taken from the build cache: the model builder starts
 * the compilation (strict mode catches unknown keywords and formats there) and
 * emit turns the same source into the queue's validator module.
 *
 * The compilation is remembered against the frozen schema object of the
 * model being built, not against the schema's content: a new build (a new
 * `generate()`, `--check` included) makes new objects and compiles again, so
 * nothing here can make a build see an earlier build's result.
 */
import type { GeneratorCache } from "../cache/generatorCache.js";
import { compileOnThread } from "./compileThreads.js";
import type { BundledSchema, SchemaDialect } from "./types.js";
import type { ValidatorSourceOutcome } from "./validatorSource.js";

const compilations = new WeakMap<BundledSchema, Promise<ValidatorSourceOutcome>>();

/** Compiles `schema` on a compiler thread, unless the cache has its source from an identical generator. */
export function compileSchema(schema: BundledSchema, dialect: SchemaDialect, cache: GeneratorCache): Promise<ValidatorSourceOutcome> {
  if (!cache.enabled) return compileOnThread(schema, dialect);
  const input = `${dialect}\n${JSON.stringify(schema)}`;
  const source = cache.get("validator-source", input);
  if (source !== undefined) return Promise.resolve({ ok: true, source });
  return compileOnThread(schema, dialect).then((outcome) => {
    if (outcome.ok) cache.set("validator-source", input, outcome.source);
    return outcome;
  });
}

/** Records the compilation of a model's schema for emit. */
export function rememberCompilation(schema: BundledSchema, compilation: Promise<ValidatorSourceOutcome>): void {
  compilations.set(schema, compilation);
}

/** The compilation started while building the model, or a new one for a schema the model builder did not see. */
export function compilationOf(schema: BundledSchema, dialect: SchemaDialect): Promise<ValidatorSourceOutcome> {
  return compilations.get(schema) ?? compileOnThread(schema, dialect);
}

/**
 * Each queue's schema is compiled by ajv once per build, on a compiler thread
 * (compileThreads.ts), or taken from the build cache: the model builder starts
 * the compilation (strict mode catches unknown keywords and formats there),
 * the queue's model carries it (`QueueModel.validatorSource`), and emit turns
 * the same source into the queue's validator module.
 */
import type { ArtifactMemo } from "./artifactMemo.js";
import { compileOnThread } from "./compileThreads.js";
import type { BundledSchema, SchemaDialect } from "./types.js";
import type { ValidatorSourceOutcome } from "./validatorSource.js";

/** Compiles `schema` on a compiler thread, unless the cache has its source from an identical generator. */
export function compileSchema(
  schema: BundledSchema,
  dialect: SchemaDialect,
  cache: ArtifactMemo,
): Promise<ValidatorSourceOutcome> {
  if (!cache.enabled) return compileOnThread(schema, dialect);
  const input = `${dialect}\n${JSON.stringify(schema)}`;
  const source = cache.get("validator-source", input);
  if (source !== undefined) return Promise.resolve({ ok: true, source });
  return compileOnThread(schema, dialect).then((outcome) => {
    if (outcome.ok) cache.set("validator-source", input, outcome.source);
    return outcome;
  });
}

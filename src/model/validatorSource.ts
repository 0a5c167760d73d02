/**
 * ajv's standalone validator source for one bundled schema: compiled in
 * strict mode by a fresh code-emitting instance, then printed by ajv's
 * `standaloneCode`. Fresh, because ajv numbers its functions per instance and
 * the numbers are in the generated code, so a shared instance would make a
 * queue's validator depend on the queues compiled before it.
 *
 * This is the generator's most expensive step; compileThreads.ts runs it off
 * the main thread. Both outcomes are plain data so they cross a thread.
 */
import standaloneModule from "ajv/dist/standalone/index.js";
import { createSchemaAjv } from "./schemaAjv.js";
import type { SchemaDialect } from "./types.js";

const standaloneCode = standaloneModule.default;

export type ValidatorSourceOutcome =
  | { readonly ok: true; readonly source: string }
  /** ajv's message (strict mode's "unknown keyword ...", ...), and whether it was a stack overflow. */
  | { readonly ok: false; readonly message: string; readonly stackOverflow: boolean };

/** Compiles `schema` (ajv keeps it: pass a copy nothing else will change); never throws. */
export function validatorSource(schema: object, dialect: SchemaDialect): ValidatorSourceOutcome {
  try {
    const ajv = createSchemaAjv(dialect, { standalone: true });
    return { ok: true, source: standaloneCode(ajv, ajv.compile(schema)) };
  } catch (error) {
    return {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      stackOverflow: error instanceof RangeError,
    };
  }
}

/**
 * The one place ajv instances are configured, so the schema checks made while
 * building the model and the validators emitted from it agree on every option.
 */
import { Ajv, type Options } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { SchemaDialect } from "./types.js";

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, whose `default` is the plugin.
const addFormats = addFormatsModule.default;

/**
 * Keywords json-schema-to-typescript reads. They are annotations to ajv, and
 * declaring them keeps strict mode's "unknown keyword" check for real typos.
 */
const TYPE_GENERATOR_KEYWORDS = ["tsType", "tsEnumNames"];

export interface SchemaAjvOptions {
  /**
   * Emit standalone ESM source (for validators) instead of only checking.
   * Such an instance compiles one queue's schema and does not check it
   * against the meta-schema: every schema file was checked already by the
   * shared checking instance (schemaMetaValidation.ts), and compiling the
   * meta-schema again in each fresh instance was most of ajv's time.
   */
  readonly standalone: boolean;
}

export function createSchemaAjv(dialect: SchemaDialect, { standalone }: SchemaAjvOptions): Ajv {
  const options: Options = {
    allErrors: true,
    // Unknown keywords are errors (usually typos); union types such as
    // ["string", "null"] are the normal way to write nullable fields.
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: true,
    ...(standalone ? { code: { source: true, esm: true, lines: true }, validateSchema: false } : {}),
  };
  const ajv = dialect === "2020-12" ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv, { mode: "full" });
  ajv.addVocabulary(TYPE_GENERATOR_KEYWORDS);
  return ajv;
}

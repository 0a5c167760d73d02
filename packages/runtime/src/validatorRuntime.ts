/**
 * What ajv's precompiled validators call at run time. ajv's standalone output
 * names these helpers with `require("ajv/dist/runtime/...")` even in ESM mode;
 * the generator rewrites each of those to a property of this object (see
 * src/emit/validatorRequires.ts), so generated validators import only the
 * runtime and never compile a schema when an application starts.
 */
import equalModule from "ajv/dist/runtime/equal.js";
import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";
import uriModule from "ajv/dist/runtime/uri.js";
import formatsModule from "ajv-formats/dist/formats.js";

/**
 * These helpers are CommonJS modules with `exports.default`. Node hands an ESM
 * importer `module.exports` (the helper is its `default`); bundlers and
 * vitest's interop hand over `exports.default` itself. Accept both.
 */
function commonJsDefault<T>(module: { default: T }): T {
  return (module as { default?: T }).default ?? (module as unknown as T);
}

/** Named explicitly so declaration emit need not name fast-uri's internal types. */
export interface ValidatorRuntime {
  readonly ucs2length: typeof ucs2lengthModule.default;
  readonly equal: typeof equalModule.default;
  readonly uri: typeof uriModule.default;
  readonly formats: typeof formatsModule.fullFormats;
}

export const validatorRuntime: ValidatorRuntime = {
  /** String length in Unicode code points (`minLength`/`maxLength`). */
  ucs2length: commonJsDefault(ucs2lengthModule),
  /** Deep equality (`const`, `enum` of objects, `uniqueItems`). */
  equal: commonJsDefault(equalModule),
  /** URI parser ajv uses for `$id` resolution. */
  uri: commonJsDefault(uriModule),
  /** ajv-formats' full-mode formats (`date-time`, `uri`, ...), keyed by format name. */
  formats: formatsModule.fullFormats,
};

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

/** The formats of ajv-formats' full mode that are functions: ajv's code calls them (`formats4(data)`). */
type FunctionFormat = "uri" | "regex" | "byte";
/** String formats with a `validate` function (and a `compare`): the dates and times. */
type DateFormat = "date" | "time" | "date-time" | "iso-time" | "iso-date-time";
/** Number formats, with a `validate` function. */
type NumberFormat = "int32" | "int64" | "float" | "double";
/** Regular-expression formats, which ajv usually copies into the validator instead. */
type RegExpFormat = Exclude<
  keyof typeof formatsModule.fullFormats,
  FunctionFormat | DateFormat | NumberFormat | "password" | "binary"
>;

/**
 * ajv-formats' full formats, each typed by its kind, which is how ajv's code
 * uses it: ajv-formats types every one as the union of all kinds, which no
 * typed caller could use. test/runtime/validatorRuntime.formats.test.ts
 * checks each kind against the values.
 */
export type ValidatorFormats = { readonly [Name in FunctionFormat]: (data: string) => boolean } & {
  readonly [Name in DateFormat]: { readonly validate: (data: string) => boolean };
} & { readonly [Name in NumberFormat]: { readonly validate: (data: number) => boolean } } & {
  readonly [Name in RegExpFormat]: RegExp;
} & { readonly password: true; readonly binary: true };

/** Named explicitly so declaration emit need not name fast-uri's internal types. */
export interface ValidatorRuntime {
  readonly ucs2length: typeof ucs2lengthModule.default;
  /** fast-deep-equal's function; ajv's type for it is fast-deep-equal's module namespace, which a typed caller cannot call. */
  readonly equal: (a: unknown, b: unknown) => boolean;
  readonly uri: typeof uriModule.default;
  readonly formats: ValidatorFormats;
}

/**
 * The second parameter of a generated validate function (ajv's
 * `DataValidationCxt`): where the data sits, for error paths. A caller
 * passes nothing; ajv's functions pass it on to the functions they call.
 */
export interface ValidatorContext {
  /** JSON Pointer of the data from the root, for errors. (Default: "") */
  readonly instancePath?: string;
  readonly parentData?: unknown;
  readonly parentDataProperty?: string | number;
  /** The data the first function was called with. (Default: the data) */
  readonly rootData?: unknown;
  /**
   * `$dynamicAnchor` name -> the validate function that anchors it (2020-12 `$dynamicRef`).
   * ajv's code reads its entries as properties (`dynamicAnchors.node`), and its functions are ajv's.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a property bag of ajv's functions, read by ajv's untyped code.
  readonly dynamicAnchors?: any;
}

/**
 * What a generated validate function records of the properties and items it
 * evaluated (2020-12 `unevaluatedProperties` and `unevaluatedItems` across
 * `$ref`): `true` for all, or the property names, or the number of items.
 */
export interface ValidatorEvaluated {
  props?: { [property: string]: true | undefined } | true | undefined;
  items?: number | true | undefined;
  dynamicProps: boolean;
  dynamicItems: boolean;
}

export const validatorRuntime: ValidatorRuntime = {
  /** String length in Unicode code points (`minLength`/`maxLength`). */
  ucs2length: commonJsDefault(ucs2lengthModule),
  /** Deep equality (`const`, `enum` of objects, `uniqueItems`). */
  // The value is fast-deep-equal's function, whatever ajv's declaration says (see ValidatorRuntime.equal).
  equal: commonJsDefault(equalModule) as unknown as ValidatorRuntime["equal"],
  /** URI parser ajv uses for `$id` resolution. */
  uri: commonJsDefault(uriModule),
  /** ajv-formats' full-mode formats (`date-time`, `uri`, ...), keyed by format name. */
  // ajv-formats declares each as `Format`, the union of every kind; ValidatorFormats names each one's kind.
  formats: formatsModule.fullFormats as unknown as ValidatorFormats,
};

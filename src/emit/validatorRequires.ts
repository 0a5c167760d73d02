/**
 * ajv's standalone code names its run-time helpers with CommonJS `require`
 * calls even in ESM mode. Each one is rewritten to a property of the
 * runtime's `validatorRuntime`, through this explicit table: a helper not in
 * the table would be a validator that fails at run time, so it is an error
 * at generation time instead.
 */
import formatsModule from "ajv-formats/dist/formats.js";

/** `require("<module>")<accessor>` -> expression in generated code. */
const HELPERS: ReadonlyMap<string, string> = new Map([
  ["ajv/dist/runtime/ucs2length|.default", "validatorRuntime.ucs2length"],
  ["ajv/dist/runtime/equal|.default", "validatorRuntime.equal"],
  ["ajv/dist/runtime/uri|.default", "validatorRuntime.uri"],
]);

const FORMATS_MODULE = "ajv-formats/dist/formats";
const KNOWN_FORMATS = new Set(Object.keys(formatsModule.fullFormats));

// require("module") followed by any chain of `.name` / `["name"]` accessors.
const REQUIRE_CALL = /require\("([^"]+)"\)((?:\.[A-Za-z_$][\w$]*|\["[^"\\]*"\])*)/g;

/** `.fullFormats.uri` or `.fullFormats["date-time"]` -> the format name. */
function formatName(accessor: string): string | null {
  const match = /^\.fullFormats(?:\.([A-Za-z_$][\w$]*)|\["([^"\\]*)"\])$/.exec(accessor);
  const name = match?.[1] ?? match?.[2];
  return name !== undefined && KNOWN_FORMATS.has(name) ? name : null;
}

function replacement(module: string, accessor: string): string | null {
  if (module === FORMATS_MODULE) {
    const name = formatName(accessor);
    return name === null ? null : `validatorRuntime.formats[${JSON.stringify(name)}]`;
  }
  return HELPERS.get(`${module}|${accessor}`) ?? null;
}

/** Rewrites every `require(...)` in ajv's output; throws naming the first one without a mapping. */
export function rewriteValidatorRequires(code: string): string {
  return code.replace(REQUIRE_CALL, (call: string, module: string, accessor: string) => {
    const expression = replacement(module, accessor);
    if (expression === null) {
      throw new Error(
        `ajv's validator code calls ${call}, which validatorRuntime does not provide; add it to src/emit/validatorRequires.ts and packages/runtime/src/validatorRuntime.ts`,
      );
    }
    return expression;
  });
}

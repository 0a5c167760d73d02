/**
 * The import specifier generated code uses for a user's codec module: relative
 * to the output folder, `/`-separated, with the extension Node's ESM resolver
 * expects at run time (`.ts` sources are imported as `.js`).
 */
import path from "node:path";

const RUNTIME_EXTENSIONS: ReadonlyMap<string, string> = new Map([
  [".ts", ".js"],
  [".tsx", ".js"],
  [".mts", ".mjs"],
  [".cts", ".cjs"],
  [".js", ".js"],
  [".mjs", ".mjs"],
  [".cjs", ".cjs"],
]);

/** `codec` is relative to the config file's folder (`rootDir`); the result is relative to `outDir`. */
export function codecImport(rootDir: string, outDir: string, codec: string): string {
  const modulePath = path.resolve(rootDir, codec);
  const extension = path.extname(modulePath);
  const runtimeExtension = RUNTIME_EXTENSIONS.get(extension);
  const withExtension =
    runtimeExtension === undefined
      ? `${modulePath}.js`
      : `${modulePath.slice(0, -extension.length)}${runtimeExtension}`;
  const relative = path.relative(outDir, withExtension).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

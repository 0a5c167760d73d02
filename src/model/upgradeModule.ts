/**
 * A queue's upgrade module (config `upgrade`, issue 14 §3): it must exist and
 * have a default export, or generate fails here, naming the option. Whether
 * that export has every step with the right types is the user's build's to
 * check: the generated queue module assigns it to `<Queue>Upgrades`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CompileError } from "../errors.js";
import type { ts as typescript } from "ts-morph";
import { ts } from "../tsMorph.js";

/** The file a specifier written without its extension means, in the order TypeScript looks. */
const EXTENSIONS = ["", ".ts", ".mts", ".tsx", ".js", ".mjs"];

async function readModule(modulePath: string): Promise<{ path: string; text: string } | null> {
  for (const extension of EXTENSIONS) {
    try {
      return { path: modulePath + extension, text: await readFile(modulePath + extension, "utf8") };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "EISDIR") throw error;
    }
  }
  // A `.js` specifier for a `.ts` source, as ESM TypeScript projects write imports.
  const sourceExtension = { ".js": ".ts", ".mjs": ".mts" }[path.extname(modulePath)];
  if (sourceExtension === undefined) return null;
  return readModule(modulePath.slice(0, -path.extname(modulePath).length) + sourceExtension).catch(() => null);
}

function hasDefaultModifier(node: typescript.Node): boolean {
  return (
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword)
  );
}

/** `export default ...`, `export default function`, or `export { x as default }` / `export { default } from`. */
function hasDefaultExport(file: typescript.SourceFile): boolean {
  return file.statements.some((statement) => {
    if (ts.isExportAssignment(statement)) return !statement.isExportEquals;
    if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      return (
        clause !== undefined && ts.isNamedExports(clause) && clause.elements.some((e) => e.name.text === "default")
      );
    }
    return hasDefaultModifier(statement);
  });
}

/**
 * @param upgrade the config's `upgrade`, relative to the config file's folder.
 * @param steps the steps the module must have, such as `["from1", "from2"]`, for the messages.
 */
export async function checkUpgradeModule(
  where: { rootDir: string; configFile: string; queue: string },
  upgrade: string,
  steps: readonly string[],
): Promise<void> {
  const location = { file: where.configFile, queue: where.queue, option: `queues.${where.queue}.upgrade` };
  const module = await readModule(path.resolve(where.rootDir, upgrade));
  const example = `export default { ${steps.map((step) => `${step}(job) { ... }`).join(", ")} } satisfies ...Upgrades`;
  if (module === null) {
    throw new CompileError(
      location,
      `the upgrade module ${JSON.stringify(upgrade)} does not exist (looked for ${path.resolve(where.rootDir, upgrade)} ` +
        `and the same with .ts, .mts, .js, .mjs); create it with ${example}`,
    );
  }
  const source = ts.createSourceFile(module.path, module.text, ts.ScriptTarget.Latest, false);
  if (!hasDefaultExport(source)) {
    throw new CompileError(
      location,
      `the upgrade module ${JSON.stringify(upgrade)} has no default export; it must export default an object ` +
        `with ${steps.join(", ")}: ${example}`,
    );
  }
}

/**
 * Finds where a schema keyword is written in a document, for errors that ajv
 * reports without a location (strict mode's unknown keyword, unknown format).
 */
import { formatPointer } from "./jsonPointer.js";

/** Keywords whose values are data, not schemas: a `$ref` or a keyword's name inside them is data too. */
export const DATA_KEYWORDS: ReadonlySet<string> = new Set(["const", "enum", "default", "examples"]);
/** Keywords whose values map names to schemas: their keys are names, not keywords. */
const NAME_MAPS = new Set([
  "properties",
  "patternProperties",
  "definitions",
  "$defs",
  "dependentSchemas",
  "dependencies",
]);

/**
 * Pointer of the first `keyword` (optionally with `value`) used as a keyword
 * in `document`, or null.
 */
export function findKeyword(document: unknown, keyword: string, value?: unknown): string | null {
  const visit = (node: unknown, tokens: string[], namesOnly: boolean): string | null => {
    if (node === null || typeof node !== "object") return null;
    const entries = Array.isArray(node)
      ? node.map((item, index) => [String(index), item] as const)
      : Object.entries(node);
    for (const [key, child] of entries) {
      const here = [...tokens, key];
      if (!namesOnly && !Array.isArray(node) && key === keyword && (value === undefined || child === value))
        return formatPointer(here);
      if (!namesOnly && DATA_KEYWORDS.has(key)) continue;
      const found = visit(child, here, !namesOnly && !Array.isArray(node) && NAME_MAPS.has(key));
      if (found !== null) return found;
    }
    return null;
  };
  return visit(document, [], false);
}

/**
 * The final layout of every generated module: long top-level lines broken as
 * the repository's formatter breaks them, blank lines between declarations,
 * and object literals written from plain data. The queue modules and index.ts
 * come laid out from their templates (templates.ts); what a value makes too
 * long is broken here.
 */
import { bannerLine } from "./banner.js";

/**
 * A module filled from its template, finished: lines past LINE_WIDTH broken
 * (a long queue name or runtimeImport lengthens an import), and the final
 * newline.
 */
export function finishModule(text: string): string {
  return `${wrapLongLines(text)}\n`;
}

/** The line width the repository's formatter (Biome) uses, and the generated modules keep to. */
export const LINE_WIDTH = 120;

const IMPORT_OR_EXPORT = /^((?:import|export)(?: type)? )\{ (.*) \}( from .*;)$/;

/**
 * An import or export longer than LINE_WIDTH, broken as Biome breaks it: one
 * name a line, with a trailing comma. Only top-level (unindented) lines are
 * touched; the templates write every other line at its final width.
 */
function wrapLongLines(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const imported = line.length > LINE_WIDTH ? IMPORT_OR_EXPORT.exec(line) : null;
      if (imported === null) return line;
      const names = imported[2]!.split(", ").map((name) => `  ${name},`);
      return [`${imported[1]}{`, ...names, `}${imported[3]}`].join("\n");
    })
    .join("\n");
}

/**
 * One blank line before each top-level declaration or doc comment, as a person
 * would write it; json-schema-to-typescript and ajv leave them packed.
 * Top-level lines are the unindented ones, so nested code is untouched.
 */
export function separateDeclarations(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (const line of lines) {
    const previous = out[out.length - 1];
    const startsDeclaration = /^(\/\*\*|export |function |const )/.test(line);
    const afterDocOrBlank =
      previous === undefined ||
      previous === "" ||
      previous.startsWith(" */") ||
      previous.startsWith("/**") ||
      previous.startsWith("//");
    const betweenSiblings = /^(export \* |const )/.test(line) && /^(export \* |const )/.test(previous ?? "");
    if (startsDeclaration && !afterDocOrBlank && !betweenSiblings) out.push("");
    out.push(line);
  }
  return out.join("\n");
}

/** Banner and blank lines for a machine-written module (ajv's validators) whose code is formatted already. */
export function finishMachineModule(text: string, configFile: string): string {
  return `${bannerLine(configFile)}\n${separateDeclarations(`${text.trimEnd()}\n`)}`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A JSON-like value as a TypeScript literal, one property a line, keys in the given order; nested lines indented. */
export function literalText(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(literalText).join(", ")}]`;
  const properties = Object.entries(value).map(([key, child]) => {
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    return `  ${name}: ${literalText(child).replace(/\n/g, "\n  ")},\n`;
  });
  return `{\n${properties.join("")}}`;
}

/**
 * ts-morph plumbing shared by the module emitters: one formatting profile for
 * every generated file, modules printed from structures, and object literals
 * written from plain data.
 */
import type { PrintStructureOptions, StatementStructures } from "ts-morph";
import { CodeBlockWriter, printStructure, StructureKind } from "../tsMorph.js";
import { bannerLine } from "./banner.js";

/**
 * Two-space indentation, double quotes, `{ a }`. ts-morph's printer writes
 * the finished layout itself (one member per line, semicolons), so there is no
 * formatter pass. That pass only undid the initializers' hanging indent (see
 * TopLevelInitializers) and re-indented prettier's layout of union members in
 * payload types, which now stays exactly as prettier prints it.
 */
const PRINT_OPTIONS: PrintStructureOptions = {
  indentNumberOfSpaces: 2,
  newLine: "\n",
  useSingleQuote: false,
  insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
};
const WRITER_OPTIONS = { indentNumberOfSpaces: 2, newLine: "\n", useSingleQuote: false } as const;

const PLACEHOLDER = "__pgmqGenInitializer_";
const PLACEHOLDERS = new RegExp(`\\b${PLACEHOLDER}\\d+\\b`, "g");

/**
 * Multi-line initializers of top-level declarations. ts-morph prints an
 * initializer with a hanging indent (every line after the first one level
 * deeper); undoing that took a formatter pass, a language-service parse of
 * every file, which was most of the time spent on these modules. Instead the
 * initializer is written here, at the top level's indentation, ts-morph
 * prints a placeholder, and printModule swaps the text in.
 */
export class TopLevelInitializers {
  readonly #texts: string[] = [];

  /** The placeholder to give ts-morph as the initializer. */
  add(write: (writer: CodeBlockWriter) => void): string {
    const writer = new CodeBlockWriter(WRITER_OPTIONS);
    write(writer);
    this.#texts.push(writer.toString());
    return `${PLACEHOLDER}${this.#texts.length - 1}`;
  }

  /** `text` with each placeholder replaced; throws unless each occurs exactly once. */
  splice(text: string): string {
    const found = text.match(PLACEHOLDERS) ?? [];
    if (found.length !== this.#texts.length || new Set(found).size !== found.length) {
      throw new Error(`internal error: expected ${this.#texts.length} initializer placeholders, found ${found.length}`);
    }
    return text.replace(PLACEHOLDERS, (placeholder) => this.#texts[Number(placeholder.slice(PLACEHOLDER.length))]!);
  }
}

/**
 * A module printed from structures by ts-morph's structure printer alone, with
 * the banner on line 1. No source file is created: that would parse the text
 * just printed, and nothing here needs the syntax tree.
 */
export function printModule(
  statements: (StatementStructures | string)[],
  configFile: string,
  initializers: TopLevelInitializers,
): string {
  const printed = printStructure({ kind: StructureKind.SourceFile, statements }, PRINT_OPTIONS);
  // trim(), not `/\s*$/`: that regex rescans every run of whitespace and was measurable on these files.
  const text = initializers.splice(`${printed.trim()}\n`);
  return `${bannerLine(configFile)}\n${separateDeclarations(wrapLongLines(text))}`;
}

/** The line width the repository's formatter (Biome) uses, and the generated modules keep to. */
export const LINE_WIDTH = 120;

const IMPORT_OR_EXPORT = /^((?:import|export)(?: type)? )\{ (.*) \}( from .*;)$/;
/** A type alias to a template literal type, which no formatter breaks inside: it moves to the next line. */
const TEMPLATE_TYPE_ALIAS = /^((?:export )?type [^=]+) = (`.*;)$/;
const FUNCTION_SIGNATURE = /^((?:export )?function [\w$]+(?:<.*>)?)\((.*)\)(: .+)? \{$/;

/** `text` split at its top-level commas: not inside (), [], {} or <> (an arrow's `=>` opens nothing). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "(" || char === "[" || char === "{" || char === "<") depth++;
    else if (char === ")" || char === "]" || char === "}" || (char === ">" && text[i - 1] !== "=")) depth--;
    else if (char === "," && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/**
 * The printer writes an import and a function signature on one line however
 * long; past LINE_WIDTH, these are broken as Biome breaks them: one imported
 * name, or one parameter, a line, with a trailing comma; a template literal
 * type starts on the line after its alias. Only top-level (unindented) lines
 * are touched.
 */
function wrapLongLines(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (line.length <= LINE_WIDTH) return line;
      const imported = IMPORT_OR_EXPORT.exec(line);
      if (imported !== null) {
        const names = splitTopLevel(imported[2]!).map((name) => `  ${name},`);
        return [`${imported[1]}{`, ...names, `}${imported[3]}`].join("\n");
      }
      const signature = FUNCTION_SIGNATURE.exec(line);
      if (signature !== null && signature[2] !== "") {
        const parameters = splitTopLevel(signature[2]!).map((parameter) => `  ${parameter},`);
        return [`${signature[1]}(`, ...parameters, `)${signature[3] ?? ""} {`].join("\n");
      }
      const alias = TEMPLATE_TYPE_ALIAS.exec(line);
      if (alias !== null) return `${alias[1]} =\n  ${alias[2]}`;
      return line;
    })
    .join("\n");
}

/**
 * One blank line before each top-level declaration or doc comment, as a person
 * would write it; the printer and json-schema-to-typescript leave them packed.
 * Top-level lines are the unindented ones, so nested code is untouched.
 */
function separateDeclarations(text: string): string {
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

/** Writes a JSON-like value as a TypeScript literal, one property per line, keys in the given order. */
export function writeLiteral(writer: CodeBlockWriter, value: unknown): void {
  if (value === null || typeof value !== "object") {
    writer.write(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    writer.write("[");
    value.forEach((item, index) => {
      if (index > 0) writer.write(", ");
      writeLiteral(writer, item);
    });
    writer.write("]");
    return;
  }
  writer.inlineBlock(() => {
    for (const [key, child] of Object.entries(value)) {
      writer.write(`${IDENTIFIER.test(key) ? key : JSON.stringify(key)}: `);
      writeLiteral(writer, child);
      writer.write(",").newLine();
    }
  });
}

/**
 * ts-morph plumbing shared by the module emitters: an in-memory project, one
 * formatting profile for every generated file, and object literals written
 * from plain data.
 */
import { IndentationText, Project, QuoteKind, ts, type CodeBlockWriter, type SourceFile } from "ts-morph";
import { bannerLine } from "./banner.js";

export function createEmitProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Double,
      useTrailingCommas: true,
      insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
    },
  });
}

/** Formats the file with TypeScript's formatter and puts the banner on line 1. */
export function finishSourceFile(file: SourceFile, configFile: string): string {
  file.formatText({
    indentSize: 2,
    tabSize: 2,
    convertTabsToSpaces: true,
    newLineCharacter: "\n",
    semicolons: ts.SemicolonPreference.Insert,
    insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
  });
  const text = file.getFullText().replace(/^\s+/, "").replace(/\s*$/, "\n");
  // Done with it: a file left in the project would be part of the program every later formatText builds.
  file.forget();
  return `${bannerLine(configFile)}\n${separateDeclarations(text)}`;
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
    const afterDocOrBlank = previous === undefined || previous === "" || previous.startsWith(" */") || previous.startsWith("/**") || previous.startsWith("//");
    const betweenSiblings = /^(export \* |const )/.test(line) && /^(export \* |const )/.test(previous ?? "");
    if (startsDeclaration && !afterDocOrBlank && !betweenSiblings) out.push("");
    out.push(line);
  }
  return out.join("\n");
}

/**
 * Formats a machine-written module (ajv's validators) with TypeScript's
 * printer: several times faster than the formatter on these large files, and
 * just as deterministic. The printer indents by four spaces; its leading
 * whitespace is indentation only (ajv writes no multi-line strings), so it is
 * halved to match the other files.
 */
export function printMachineModule(text: string, configFile: string): string {
  // No parent pointers: the printer does not need them, and setting them is a third of the parse.
  const source = ts.createSourceFile("module.ts", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const printed = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(source);
  const indented = printed.replace(/^( {4})+/gm, (indent) => " ".repeat(indent.length / 2));
  return `${bannerLine(configFile)}\n${separateDeclarations(indented.replace(/\s*$/, "\n"))}`;
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

/**
 * Parses one JSON file's text. JSON.parse says what is wrong; this adds where
 * (line and column), because a schema file is fixed in an editor, not a debugger.
 */
import type { ts as typescript } from "ts-morph";
import { ts } from "../tsMorph.js";
import { CompileError, type CompileErrorLocation } from "../errors.js";

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}

/**
 * Where JSON.parse gave up. V8 names the position in most messages
 * ("... in JSON at position 11"); for the rest TypeScript's JSON scanner
 * finds the first bad token, and an empty or truncated text fails at its end.
 */
function failureOffset(text: string, message: string): number | null {
  const fromMessage = /at position (\d+)/.exec(message);
  if (fromMessage?.[1] !== undefined) return Number(fromMessage[1]);
  if (message.includes("Unexpected end of JSON input")) return text.length;
  // parseDiagnostics is not in TypeScript's public typings, but is present on every JsonSourceFile.
  const parsed = ts.parseJsonText("schema.json", text) as typescript.JsonSourceFile & {
    parseDiagnostics?: readonly typescript.Diagnostic[];
  };
  const first = parsed.parseDiagnostics?.[0];
  return first?.start ?? null;
}

/** Parses `text` as JSON, or throws a CompileError at `location` naming the line and column. */
export function parseJsonDocument(text: string, location: CompileErrorLocation): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = failureOffset(text, message);
    const where = offset === null ? "" : (({ line, column }) => ` at line ${line}, column ${column}`)(lineAndColumn(text, offset));
    throw new CompileError(
      { ...location, pointer: "" },
      `not valid JSON${where}: ${message}. Fix the syntax of the file.`,
      { cause: error },
    );
  }
}

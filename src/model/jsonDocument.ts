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

/** Tokens JSON is made of (TypeScript's scanner reads a superset); whitespace and newlines between them. */
const JSON_TOKENS = new Set<typescript.SyntaxKind>([
  ts.SyntaxKind.OpenBraceToken,
  ts.SyntaxKind.CloseBraceToken,
  ts.SyntaxKind.OpenBracketToken,
  ts.SyntaxKind.CloseBracketToken,
  ts.SyntaxKind.ColonToken,
  ts.SyntaxKind.CommaToken,
  ts.SyntaxKind.MinusToken,
  ts.SyntaxKind.NumericLiteral,
  ts.SyntaxKind.TrueKeyword,
  ts.SyntaxKind.FalseKeyword,
  ts.SyntaxKind.NullKeyword,
  ts.SyntaxKind.WhitespaceTrivia,
  ts.SyntaxKind.NewLineTrivia,
]);

/** Offset of the first token that cannot be JSON (`tru`, a comment, a single-quoted string), or null. */
function firstNonJsonToken(text: string): number | null {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    const start = scanner.getTokenStart();
    const isJsonString = token === ts.SyntaxKind.StringLiteral && text[start] === '"';
    if (!isJsonString && !JSON_TOKENS.has(token)) return start;
  }
  return null;
}

/**
 * Where JSON.parse gave up, and why, in words that never quote the text: the
 * file may not be the user's to show (a path outside the project, with
 * `allowSchemasOutsideProject`), and V8's "Unexpected token" messages quote
 * the text around the error. V8 names the position in its other messages
 * ("Expected ',' or '}' after property value in JSON at position 11"), which
 * describe the grammar only; for the rest TypeScript's JSON scanner finds the
 * first bad token, and an empty or truncated text fails at its end.
 */
function failure(text: string, message: string): { offset: number | null; reason: string } {
  const positioned = /^(.+?) in JSON at position (\d+)/.exec(message);
  if (positioned?.[1] !== undefined && positioned[2] !== undefined) {
    const reason = positioned[1].charAt(0).toLowerCase() + positioned[1].slice(1);
    return { offset: Number(positioned[2]), reason };
  }
  if (message.includes("Unexpected end of JSON input"))
    return { offset: text.length, reason: "unexpected end of the file" };
  const badToken = firstNonJsonToken(text);
  if (badToken !== null) return { offset: badToken, reason: "unexpected character" };
  // parseDiagnostics is not in TypeScript's public typings, but is present on every JsonSourceFile.
  const parsed = ts.parseJsonText("schema.json", text) as typescript.JsonSourceFile & {
    parseDiagnostics?: readonly typescript.Diagnostic[];
  };
  return { offset: parsed.parseDiagnostics?.[0]?.start ?? null, reason: "unexpected character" };
}

/** Parses `text` as JSON, or throws a CompileError at `location` naming the line and column. */
export function parseJsonDocument(text: string, location: CompileErrorLocation): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const { offset, reason } = failure(text, error instanceof Error ? error.message : String(error));
    const where =
      offset === null ? "" : (({ line, column }) => ` at line ${line}, column ${column}`)(lineAndColumn(text, offset));
    // No `cause`: JSON.parse's message may quote the file, and a cause is printed with the error.
    throw new CompileError(
      { ...location, pointer: "" },
      `not valid JSON${where}: ${reason}. Fix the syntax of the file.`,
    );
  }
}

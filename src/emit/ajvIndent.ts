/**
 * Indents ajv's standalone validator code. With `code: { lines: true }` ajv
 * already writes one statement (or block opener/closer) per line, unindented,
 * so indenting by brace depth is all the formatting it needs, and it is far
 * cheaper than a TypeScript parse and print of every validator.
 *
 * The depth is only right if braces inside literals are skipped. ajv writes
 * strings as JSON (double quotes, backslash escapes, never a raw newline) and
 * regular expressions as literals: a format's RegExp (`const formats0 =
 * /.../i;`) and the JSON Pointer escaping in error paths
 * (`.replace(/~/g, "~0")`). A `/` starts a regular expression where a value
 * is expected (after an operator, `(`, `,` or at the start), as in any JS
 * tokenizer; elsewhere it is division (`multipleOf`). Anything this does not
 * recognise (single quotes, backticks, comments, a line that leaves a bracket
 * open) returns null, and the caller falls back to the TypeScript printer
 * rather than guess. Only whitespace is ever added at the start of a line, and
 * no literal spans lines, so the code runs exactly as ajv wrote it.
 */

const INDENT = "  ";
/** Characters after which a `/` begins a regular expression rather than dividing. */
const BEFORE_REGEXP = new Set([
  "",
  "(",
  ",",
  "=",
  ":",
  "[",
  "!",
  "&",
  "|",
  "?",
  "{",
  "}",
  ";",
  "+",
  "-",
  "*",
  "%",
  "<",
  ">",
  "~",
  "^",
]);

/** Index of the `/` that ends the regular expression starting at `start`, or -1. */
function regexpEnd(line: string, start: number): number {
  let inClass = false; // inside [...], where `/` does not end the literal
  for (let i = start + 1; i < line.length; i++) {
    const char = line[i];
    if (char === "\\") i++;
    else if (char === "[") inClass = true;
    else if (char === "]") inClass = false;
    else if (char === "/" && !inClass) return i;
  }
  return -1;
}

/** The line's net `{`/`}` count outside literals, or null when the line has something unexpected. */
function braceDelta(line: string): number | null {
  let braces = 0;
  let others = 0; // ( and [ must close on the line they open: ajv never breaks an expression
  let previous = ""; // last character outside literals and spaces
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === " ") continue;
    if (char === '"') {
      // Skip to the closing quote; a backslash escapes the next character.
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === "\\") i++;
      if (i >= line.length) return null;
    } else if (char === "/") {
      if (line[i + 1] === "/" || line[i + 1] === "*") return null;
      if (BEFORE_REGEXP.has(previous)) {
        i = regexpEnd(line, i);
        if (i === -1) return null;
      }
    } else if (char === "{") braces++;
    else if (char === "}") braces--;
    else if (char === "(" || char === "[") others++;
    else if (char === ")" || char === "]") others--;
    else if (char === "'" || char === "`") return null;
    previous = char;
  }
  return others === 0 ? braces : null;
}

/** ajv's code indented two spaces per open brace, or null when it is not in the shape described above. */
export function indentAjvCode(code: string): string | null {
  let depth = 0;
  const out: string[] = [];
  for (const line of code.split("\n")) {
    // Dropped, as the printer drops them: finishMachineModule puts one blank line before each top-level declaration.
    if (line.trim() === "") continue;
    if (line !== line.trimStart()) return null; // already indented: not the shape this expects
    const delta = braceDelta(line);
    if (delta === null) return null;
    // A line's leading closers (`}`, `};`, `}}`) belong to the outer level.
    const closers = /^}+/.exec(line)?.[0].length ?? 0;
    const level = depth - closers;
    if (level < 0) return null;
    out.push(INDENT.repeat(level) + line);
    depth += delta;
  }
  return depth === 0 ? out.join("\n") : null;
}

/**
 * Turning a value into the JSON text a `jsonb` column stores, with every
 * reason it cannot be stored found before anything is sent.
 *
 * The text is `JSON.stringify`'s (so `toJSON`, `undefined` properties,
 * `NaN` and the rest follow JSON's own rules), and the value returned is
 * what that text parses to: validating that value and sending that text
 * stores exactly what was validated. What `JSON.stringify` accepts but
 * PostgreSQL or a validator does not is refused here, with a JSON pointer:
 * - U+0000 (NUL) in a string or key: `jsonb` cannot hold it (22P05);
 * - a lone UTF-16 surrogate: not Unicode, `jsonb` rejects it (22P02);
 * - a BigInt (JSON has no such number) or a circular reference;
 * - more than `MAX_JSON_DEPTH` nested arrays and objects (validators and
 *   `JSON.stringify` recurse, and run out of stack near 4,000 levels).
 */
import { escapePointerToken } from "./jsonPointer.js";
import { SUSPECT_CHARACTER } from "./storableText.js";
import type { JsonValue, MessageHeaders, ValidationIssue } from "./types.js";

/**
 * Most arrays and objects nested in one payload, or in one push's headers
 * (the root object counts as one level).
 */
export const MAX_JSON_DEPTH = 1000;

/** Most issues reported for one value: a payload full of NULs still gives an error of bounded size. */
const MAX_ISSUES = 10;

/**
 * Escapes `JSON.stringify` writes for what `jsonb` refuses: `\u0000`, and
 * `\ud800`-`\udfff` (it writes a lone surrogate escaped, a valid pair as is).
 * A hit may be a false alarm (a string holding a backslash and `u0000`):
 * the walk over the value decides.
 */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/;

export type StorableJson =
  | { readonly ok: true; readonly text: string; readonly value: JsonValue }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

/**
 * The JSON text of `input` and the value it parses to, or why it cannot be
 * stored (pointers relative to `input`). A `toJSON` or getter that throws
 * is rethrown as is: it is the caller's own error.
 */
export function toStorableJson(input: unknown): StorableJson {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    // A BigInt, a cycle or a stack overflow: find where, following the same rules (toJSON runs again).
    const issues = findUnstorable(input, { raw: true, checkStrings: true });
    if (issues.length > 0) return { ok: false, issues };
    throw error;
  }
  if (text === undefined) {
    return { ok: false, issues: [{ pointer: "", message: `is not a JSON value (${typeof input})`, keyword: "json" }] };
  }
  const value = JSON.parse(text) as JsonValue;
  const checkStrings = UNSTORABLE_ESCAPE.test(text);
  const deep = typeof value === "object" && value !== null && mayNestTooDeep(text) && nestsTooDeep(value, 1);
  if (checkStrings || deep) {
    const issues = findUnstorable(value, { raw: false, checkStrings });
    if (issues.length > 0) return { ok: false, issues };
  }
  return { ok: true, text, value };
}

/**
 * Whether `text` has more than `MAX_JSON_DEPTH` opening brackets, the least
 * that nesting past it takes. Most payloads have a few, found by native
 * `indexOf` scans: no walk over the value at all.
 */
function mayNestTooDeep(text: string): boolean {
  if (text.length <= 2 * MAX_JSON_DEPTH) return false;
  let brackets = 0;
  for (const bracket of ["{", "["]) {
    for (let at = text.indexOf(bracket); at !== -1; at = text.indexOf(bracket, at + 1)) {
      if (++brackets > MAX_JSON_DEPTH) return true;
    }
  }
  return false;
}

/**
 * Whether a parsed value nests past `MAX_JSON_DEPTH` (`depth`: the level of
 * `value`). Visits arrays and objects only, with no pointer kept.
 */
function nestsTooDeep(value: object, depth: number): boolean {
  if (depth > MAX_JSON_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const child of value as unknown[]) {
      if (typeof child === "object" && child !== null && nestsTooDeep(child, depth + 1)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = record[key];
    if (typeof child === "object" && child !== null && nestsTooDeep(child, depth + 1)) return true;
  }
  return false;
}

/**
 * `JSON.stringify`'s view of a value held under `key`: `toJSON` applied,
 * and `new Number(1)`-style wrappers unwrapped.
 */
function jsonForm(value: unknown, key: string): unknown {
  if ((typeof value === "object" && value !== null) || typeof value === "bigint") {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") value = toJSON.call(value, key) as unknown;
  }
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Number) return Number(value);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean) return value.valueOf();
  if (value instanceof BigInt) return value.valueOf();
  return value;
}

/** Why `text` cannot be stored in `jsonb`, or null. */
function unstorableCharacter(text: string): string | null {
  if (!SUSPECT_CHARACTER.test(text)) return null;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0) return `the character U+0000 (NUL) at index ${index}, which PostgreSQL's jsonb cannot store`;
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = text.charCodeAt(index + 1);
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      index++;
      continue;
    }
    return `a lone UTF-16 surrogate (\\u${code.toString(16)}) at index ${index}, which is not Unicode: PostgreSQL's jsonb rejects it`;
  }
  return null;
}

/**
 * Walks `root` as `JSON.stringify` would (`raw`: the caller's value, with
 * `toJSON` and cycles; else a value `JSON.parse` made) and lists what
 * cannot be stored. Recursion is bounded by `MAX_JSON_DEPTH`.
 */
function findUnstorable(root: unknown, options: { raw: boolean; checkStrings: boolean }): ValidationIssue[] {
  const { raw, checkStrings } = options;
  const issues: ValidationIssue[] = [];
  // Keys from the root to the value visited; the pointer is built only for an issue.
  const path: string[] = [];
  const ancestors = new Set<object>();
  const report = (message: string) => {
    issues.push({ pointer: path.map((key) => `/${escapePointerToken(key)}`).join(""), message, keyword: "json" });
  };

  function visit(value: unknown, depth: number): void {
    if (issues.length >= MAX_ISSUES) return;
    if (typeof value === "string") {
      if (!checkStrings) return;
      const problem = unstorableCharacter(value);
      if (problem !== null) report(`contains ${problem}`);
      return;
    }
    if (typeof value === "bigint") {
      report("is a BigInt, which JSON cannot represent: convert it to a string or a number before pushing");
      return;
    }
    if (typeof value !== "object" || value === null) return;
    if (depth > MAX_JSON_DEPTH) {
      report(
        `nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects, the most a payload or its headers may hold`,
      );
      return;
    }
    if (raw) {
      if (ancestors.has(value)) {
        report("is a circular reference (to an object or array that contains it), which JSON cannot represent");
        return;
      }
      ancestors.add(value);
    }
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const key = String(index);
        path.push(key);
        visit(raw ? jsonForm(value[index], key) : value[index], depth + 1);
        path.pop();
      }
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const child = raw ? jsonForm(record[key], key) : record[key];
        // JSON.stringify leaves these properties out: nothing of them is stored.
        if (child === undefined || typeof child === "function" || typeof child === "symbol") continue;
        const problem = checkStrings ? unstorableCharacter(key) : null;
        if (problem !== null) {
          // Named escaped, so the message never carries the character itself.
          report(`has a key ${JSON.stringify(key)} that contains ${problem}`);
          continue;
        }
        path.push(key);
        visit(child, depth + 1);
        path.pop();
      }
    }
    if (raw) ancestors.delete(value);
  }

  visit(raw ? jsonForm(root, "") : root, 1);
  return issues;
}

/** A push's headers ready to store: their JSON text and the object that text is. */
export interface StorableHeaders {
  readonly text: string;
  readonly value: MessageHeaders;
}

/**
 * The JSON text of a push's headers and the object it is (null for none), or
 * why they cannot be stored (pointers `headers/...`).
 */
export function toStorableHeaders(
  headers: unknown,
):
  | { readonly ok: true; readonly headers: StorableHeaders | null }
  | { readonly ok: false; readonly issues: ValidationIssue[] } {
  if (headers === undefined || headers === null) return { ok: true, headers: null };
  const json = toStorableJson(headers);
  if (!json.ok) {
    return { ok: false, issues: json.issues.map((issue) => ({ ...issue, pointer: `headers${issue.pointer}` })) };
  }
  const { value } = json;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`;
    return {
      ok: false,
      issues: [
        {
          pointer: "headers",
          message: `must be a JSON object (or null for no headers), got ${kind}${describeSource(headers, value)}`,
          keyword: "type",
        },
      ],
    };
  }
  return { ok: true, headers: { text: json.text, value } };
}

/** ` (the JSON of a Date)` when the value given is not itself what its JSON is. */
function describeSource(given: unknown, json: JsonValue): string {
  if (typeof given !== "object" || given === null || typeof json === "object") return "";
  const name = (given as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" && name !== "Object" ? ` (the JSON of a ${name})` : "";
}

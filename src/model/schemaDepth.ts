/**
 * Refuses documents nested too deeply for the libraries that walk schemas
 * recursively (ajv, json-schema-ref-parser, json-schema-to-typescript, the
 * TypeScript printer): past a few thousand levels they overflow the stack with
 * a RangeError that names no file. The walk here uses an explicit stack, so
 * it cannot overflow itself, and it runs on each document right after it is
 * parsed, before any of those libraries sees it.
 */
import { CompileError, type CompileErrorLocation } from "../errors.js";
import { formatPointer } from "./jsonPointer.js";

/**
 * Deepest JSON nesting (objects and arrays) a schema document may have. A
 * schema level usually takes two (`properties` then the property), so this
 * allows about 128 levels of nested objects, far beyond any payload a person
 * writes, and well inside what the recursive libraries handle.
 */
export const MAX_SCHEMA_DEPTH = 256;

interface Frame {
  readonly value: object;
  /** Tokens of the path to `value`; the root's is empty. */
  readonly tokens: readonly string[];
}

/** Throws a CompileError at the first value nested deeper than `limit` levels. */
export function checkSchemaDepth(
  document: unknown,
  location: CompileErrorLocation,
  limit: number = MAX_SCHEMA_DEPTH,
): void {
  if (document === null || typeof document !== "object") return;
  const stack: Frame[] = [{ value: document, tokens: [] }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    // The root object is level 1; its children level 2, and so on.
    const depth = frame.tokens.length + 1;
    if (depth > limit) {
      throw new CompileError(
        { ...location, pointer: formatPointer(frame.tokens) },
        `the schema is nested more than ${limit} levels deep here; flatten it, or name the repeated part in definitions and refer to it with $ref`,
      );
    }
    const entries = Array.isArray(frame.value)
      ? frame.value.map((item, index) => [String(index), item] as const)
      : Object.entries(frame.value);
    // Pushed in reverse so the first child is visited first: the pointer reported is the first too-deep one in document order.
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, child] = entries[index]!;
      if (child !== null && typeof child === "object") stack.push({ value: child, tokens: [...frame.tokens, key] });
    }
  }
}

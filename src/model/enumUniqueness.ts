/**
 * draft-07's meta-schema requires `enum` values to be unique, and ajv checks
 * `uniqueItems` on values of any type by comparing every pair: quadratic, and
 * by far the slowest step of a build for an enum of tens of thousands of values.
 * schemaMetaValidation.ts validates against the meta-schema without that rule
 * and this module checks it in linear time, by a canonical text of each value
 * (object keys sorted, so values equal as ajv compares them have one text),
 * reporting the same pair ajv would.
 */
import { CompileError, type CompileErrorLocation } from "../errors.js";
import { formatPointer } from "./jsonPointer.js";
import { isSchemaObject, subschemas } from "./subschemas.js";

/** One text per value up to deep equality: `{"p":1,"q":2}` for both key orders; "1" and 1 differ. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The duplicate pair ajv's `uniqueItems` reports, as [j, i] with j < i: the
 * last index i that repeats an earlier value, and the last such earlier j.
 */
function duplicatePair(values: readonly unknown[]): [number, number] | null {
  const lastIndex = new Map<string, number>();
  let pair: [number, number] | null = null;
  values.forEach((value, index) => {
    const text = canonical(value);
    const earlier = lastIndex.get(text);
    if (earlier !== undefined) pair = [earlier, index];
    lastIndex.set(text, index);
  });
  return pair;
}

/** Throws a CompileError, worded as the meta-schema check words it, at the first `enum` with duplicate values. */
export function checkEnumUniqueness(document: unknown, location: CompileErrorLocation): void {
  if (!isSchemaObject(document)) return;
  const pending: { schema: Record<string, unknown>; tokens: readonly string[] }[] = [{ schema: document, tokens: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { schema, tokens } = next;
    if (Array.isArray(schema.enum)) {
      const pair = duplicatePair(schema.enum);
      if (pair !== null) {
        throw new CompileError(
          { ...location, pointer: formatPointer([...tokens, "enum"]) },
          `not a valid JSON Schema: keyword "enum" must NOT have duplicate items (items ## ${pair[0]} and ${pair[1]} are identical) (draft-07)`,
        );
      }
    }
    const children = subschemas(schema);
    for (let index = children.length - 1; index >= 0; index--) {
      const child = children[index]!;
      pending.push({ schema: child.schema, tokens: [...tokens, ...child.tokens] });
    }
  }
}

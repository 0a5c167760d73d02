/**
 * What `pgmq-gen diff` prints on stdout: a line per change and, under a
 * breaking one, why it breaks; then the verdict. Or, with `--json`, the
 * comparison as data.
 */
import type { SchemaChange, SchemaComparison } from "../evolution/types.js";

/** Characters of a value shown in a change's line; longer ones are cut (`--json` has them whole). */
const MAX_VALUE_LENGTH = 60;

const BREAKING = "breaking";
const COMPATIBLE = "compatible";
const MARKER_WIDTH = Math.max(BREAKING.length, COMPATIBLE.length) + 2;

function shownValue(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length <= MAX_VALUE_LENGTH ? text : `${text.slice(0, MAX_VALUE_LENGTH - 3)}...`;
}

/**
 * A pointer as printed: a property name may hold a line break or a terminal
 * escape sequence, which would split the change's line or rewrite what the
 * terminal shows; such characters are written as `\n`, `\u001b`, `\u009b`.
 */
function shownPointer(pointer: string): string {
  if (pointer === "") return "(root)";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point.
  return pointer.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) =>
    char === "\n"
      ? "\\n"
      : char === "\r"
        ? "\\r"
        : char === "\t"
          ? "\\t"
          : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** `breaking    /properties/to/maxLength  MAX_LENGTH_DECREASED  100 -> 50`, and the reason under a breaking change. */
function changeLines(change: SchemaChange): string[] {
  const marker = (change.breaking ? BREAKING : COMPATIBLE).padEnd(MARKER_WIDTH);
  const pointer = shownPointer(change.pointer);
  const line = `${marker}${pointer}  ${change.kind}  ${shownValue(change.old)} -> ${shownValue(change.new)}`;
  return change.breaking ? [line, `${" ".repeat(MARKER_WIDTH)}${change.reason}`] : [line];
}

function verdict(comparison: SchemaComparison): string {
  const { changes, mode } = comparison;
  const breaking = changes.filter((change) => change.breaking).length;
  const count = `${changes.length} change${changes.length === 1 ? "" : "s"}`;
  if (changes.length === 0) return `pgmq-gen diff: no changes; compatible in ${mode} mode`;
  return breaking === 0
    ? `pgmq-gen diff: compatible in ${mode} mode (${count}, none breaking)`
    : `pgmq-gen diff: incompatible in ${mode} mode (${breaking} of ${count} breaking)`;
}

/** Every change in the order compareSchemas found them, then the verdict naming the mode. */
export function diffReportLines(comparison: SchemaComparison): string[] {
  return [...comparison.changes.flatMap(changeLines), verdict(comparison)];
}

/**
 * `{ mode, compatible, changes }`, each change with the fields of
 * SchemaChange in a fixed order; `old` is absent where the keyword was added
 * and `new` where it was removed (JSON has no undefined, and null is a value).
 */
export function diffReportJson(comparison: SchemaComparison): string {
  const changes = comparison.changes.map((change) => ({
    pointer: change.pointer,
    keyword: change.keyword,
    kind: change.kind,
    old: change.old,
    new: change.new,
    breaking: change.breaking,
    reason: change.reason,
  }));
  return JSON.stringify({ mode: comparison.mode, compatible: comparison.compatible, changes }, null, 2);
}

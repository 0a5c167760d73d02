/**
 * `pattern` and `format`. Two different patterns (or formats) are never
 * compared as languages: the checker calls any change of one breaking, both
 * ways, unless it only removes the keyword.
 */
import { type SchemaPair, type Walk, keywordPointer } from "./walk.js";

export function comparePatternOrFormat(walk: Walk, keyword: "pattern" | "format", pair: SchemaPair): void {
  const { oldSchema, newSchema } = pair;
  const before = oldSchema[keyword];
  const after = newSchema[keyword];
  if (before === after) return;
  const stem = keyword === "pattern" ? "PATTERN" : "FORMAT";
  const show = (value: unknown) => (value === undefined ? "none" : JSON.stringify(value));
  const changed = before !== undefined && after !== undefined;
  walk.record({
    pointer: keywordPointer(keyword, pair),
    keyword,
    kind: before === undefined ? `${stem}_ADDED` : after === undefined ? `${stem}_REMOVED` : `${stem}_CHANGED`,
    old: before,
    new: after,
    narrows: after !== undefined,
    widens: before !== undefined,
    detail: `${keyword} changed from ${show(before)} to ${show(after)}`,
    ...(changed
      ? { unproven: `that one ${keyword} accepts every string the other does (an unchanged ${keyword} is required)` }
      : {}),
  });
}

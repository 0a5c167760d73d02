/**
 * Every keyword the checker does not compare precisely (`oneOf`, `not`,
 * `if`/`then`/`else`, `patternProperties`, tuples, `dependencies`, ...):
 * the same modulo annotations, or breaking because the checker cannot prove
 * otherwise. Each group is a conjunct of its schema, so a group only added
 * can only reject more, and one only removed can only accept more.
 */
import { sameSchema } from "./sameSchema.js";
import type { UnprovenFamily } from "./types.js";
import { type SchemaObject, type SchemaPair, type Walk, keywordPointer } from "./walk.js";

export interface KeywordGroup {
  readonly keywords: readonly string[];
  readonly family: UnprovenFamily;
}

/** Keywords that are compared together, because one's meaning depends on another's. */
const GROUPS: readonly KeywordGroup[] = [
  { keywords: ["if", "then", "else"], family: "CONDITIONAL" },
  { keywords: ["contains", "minContains", "maxContains"], family: "CONTAINS" },
  { keywords: ["oneOf"], family: "SUM_TYPE" },
  { keywords: ["not"], family: "NOT_TYPE" },
  { keywords: ["propertyNames"], family: "PROPERTY_NAMES" },
  { keywords: ["dependencies"], family: "DEPENDENCY" },
  { keywords: ["dependentRequired"], family: "DEPENDENCY" },
  { keywords: ["dependentSchemas"], family: "DEPENDENCY" },
];

export const OBJECT_GROUP: KeywordGroup = {
  keywords: ["properties", "patternProperties", "additionalProperties"],
  family: "PATTERN_PROPERTIES",
};
export const TUPLE_GROUP: KeywordGroup = {
  keywords: ["items", "prefixItems", "additionalItems"],
  family: "TUPLE_ITEMS",
};

/** The group `keyword` is compared in (a group of its own when the checker knows nothing of it). */
export function groupOf(keyword: string): KeywordGroup {
  return GROUPS.find((group) => group.keywords.includes(keyword)) ?? { keywords: [keyword], family: "KEYWORD" };
}

function pick(schema: SchemaObject, keywords: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keywords.filter((key) => schema[key] !== undefined).map((key) => [key, schema[key]]));
}

export function compareUnproven(walk: Walk, group: KeywordGroup, pair: SchemaPair): void {
  const { oldSchema, newSchema } = pair;
  const before = pick(oldSchema, group.keywords);
  const after = pick(newSchema, group.keywords);
  if (sameSchema(walk.oldDoc, walk.newDoc, before, after)) return;
  const hadIt = Object.keys(before).length > 0;
  const hasIt = Object.keys(after).length > 0;
  const keyword = group.keywords.find(
    (key) => !sameSchema(walk.oldDoc, walk.newDoc, pick(oldSchema, [key]), pick(newSchema, [key])),
  )!;
  const names = group.keywords.join("/");
  walk.record({
    pointer: keywordPointer(keyword, pair),
    keyword,
    kind: !hadIt ? `${group.family}_ADDED` : !hasIt ? `${group.family}_REMOVED` : `${group.family}_CHANGED`,
    old: oldSchema[keyword],
    new: newSchema[keyword],
    narrows: hasIt,
    widens: hadIt,
    detail: !hadIt ? `${names} added` : !hasIt ? `${names} removed` : `${names} changed`,
    ...(hadIt && hasIt
      ? {
          unproven: `that the changed ${names} accepts the same values (the checker compares it only for equality, modulo annotations)`,
        }
      : {}),
  });
}

/**
 * `compareSchemas(old, new, options)`: every change between two JSON Schemas,
 * and whether each breaks compatibility (issue 14 §1).
 *
 * The rule: in `backward` mode a change breaks when some payload valid under
 * the old schema is invalid under the new one; `forward` swaps the two,
 * `full` is both. The walk compares the two schemas keyword by keyword, and
 * each keyword (or group of keywords whose meanings depend on each other) is a
 * conjunct of its schema: if no conjunct of the new schema rejects a value its
 * old counterpart accepts, neither does the whole. Where the checker cannot
 * prove a change safe it calls it breaking and says why; it never calls a
 * breaking change compatible.
 */
import { formatPointer } from "@pgmq-gen/runtime/contract";
import { compareItems, compareUniqueItems, itemsAreUniform } from "./arrayKeywords.js";
import { compareCount, compareMultipleOf, compareNumberBounds } from "./bounds.js";
import { compareCombinator } from "./combinators.js";
import { refIgnoresSiblings } from "./drafts.js";
import { ANNOTATIONS, NOT_APPLIED } from "./keywords.js";
import { compareProperties, compareRequired } from "./objectKeywords.js";
import { comparePatternOrFormat } from "./patternAndFormat.js";
import { jsonEqual, sameSchema } from "./sameSchema.js";
import { resolveRef, schemaDocument, type SchemaDocument } from "./schemaDocument.js";
import { admitsKind, compareType, compareValues, type ValueKind } from "./typeAndValues.js";
import type { CompareSchemasOptions, CompatibilityMode, SchemaChange, SchemaComparison } from "./types.js";
import { OBJECT_GROUP, TUPLE_GROUP, compareUnproven, groupOf } from "./unprovenKeywords.js";
import { type FoundChange, type Path, type SchemaObject, type SchemaPair, type Walk, isObject } from "./walk.js";

/** Keywords the modules above compare precisely, by the kind of value they constrain (undefined: any value). */
const PRECISE: ReadonlyMap<string, ValueKind | undefined> = new Map([
  ["type", undefined],
  ["enum", undefined],
  ["const", undefined],
  ["format", undefined],
  ["anyOf", undefined],
  ["allOf", undefined],
  ["minLength", "string"],
  ["maxLength", "string"],
  ["pattern", "string"],
  ["minimum", "number"],
  ["maximum", "number"],
  ["exclusiveMinimum", "number"],
  ["exclusiveMaximum", "number"],
  ["multipleOf", "number"],
  ["minItems", "array"],
  ["maxItems", "array"],
  ["uniqueItems", "array"],
  ["items", "array"],
  ["minProperties", "object"],
  ["maxProperties", "object"],
  ["required", "object"],
  ["properties", "object"],
  ["additionalProperties", "object"],
]);

/** The kind of value each unproven group constrains, for the same reason. */
const GROUP_KIND: ReadonlyMap<string, ValueKind> = new Map([
  ["contains", "array"],
  ["prefixItems", "array"],
  ["additionalItems", "array"],
  ["patternProperties", "object"],
  ["propertyNames", "object"],
  ["dependencies", "object"],
  ["dependentRequired", "object"],
  ["dependentSchemas", "object"],
]);

/** Keywords whose meaning depends on every keyword beside them, even through `$ref`s. */
const WHOLE_SCHEMA = ["unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef"];

type Node =
  | { readonly ok: true; readonly node: unknown; readonly path: Path }
  | { readonly ok: false; readonly reason: string };

/** Follows `$ref` while the schema holding it is nothing but the reference (or, before 2019-09, always). */
function follow(document: SchemaDocument, node: unknown, path: Path): Node {
  let current: Node = { ok: true, node, path };
  for (let hops = 0; current.ok && isObject(current.node) && current.node.$ref !== undefined; hops++) {
    const schema = current.node;
    const inert = Object.keys(schema).every((key) => key === "$ref" || ANNOTATIONS.has(key) || NOT_APPLIED.has(key));
    if (!inert && !refIgnoresSiblings(document.draft)) return current;
    if (hops > 64) return { ok: false, reason: "a chain of $refs refers to itself" };
    current = resolveRef(document, schema.$ref);
  }
  return current;
}

/**
 * What identifies a schema in a pair being compared: its path, or for a boolean its value. A
 * boolean is the same schema wherever it stands, and the `true` an absent `items` or
 * `additionalProperties` stands for gets a longer path at each level: keyed by path, a recursive
 * schema compared with it (a recursive property added to an open object) would recurse forever.
 */
function nodeKey(node: unknown, path: Path): string {
  return typeof node === "boolean" ? String(node) : formatPointer(path);
}

export function compareSchemas(
  oldSchema: unknown,
  newSchema: unknown,
  options: CompareSchemasOptions = {},
): SchemaComparison {
  const mode = options.mode ?? "backward";
  const defaultDraft = options.defaultDraft ?? "draft-07";
  const oldDoc = schemaDocument(oldSchema, defaultDraft);
  const newDoc = schemaDocument(newSchema, defaultDraft);
  const sinks: FoundChange[][] = [[]];
  const inProgress = new Set<string>();

  const walk: Walk = {
    oldDoc,
    newDoc,
    record: (change) => sinks.at(-1)!.push(change),
    collect: (run) => {
      sinks.push([]);
      run();
      return sinks.pop()!;
    },
    compare: (oldNode, newNode, oldPath, newPath) => {
      const before = follow(oldDoc, oldNode, oldPath);
      const after = follow(newDoc, newNode, newPath);
      const failed = !after.ok ? after : !before.ok ? before : undefined;
      if (failed !== undefined || !before.ok || !after.ok) {
        walk.record({
          pointer: [...(!after.ok ? newPath : oldPath), "$ref"],
          keyword: "$ref",
          kind: "REFERENCE_UNRESOLVED",
          old: isObject(oldNode) ? oldNode.$ref : undefined,
          new: isObject(newNode) ? newNode.$ref : undefined,
          narrows: true,
          widens: true,
          detail: "a $ref was not followed",
          unproven: `a change through a $ref it cannot follow: ${failed?.reason}`,
        });
        return;
      }
      const key = `${nodeKey(before.node, before.path)}\u0000${nodeKey(after.node, after.path)}`;
      // A pair already being compared is assumed compatible: the coinductive argument for recursive schemas.
      if (inProgress.has(key)) return;
      inProgress.add(key);
      try {
        compareResolved(walk, before.node, after.node, before.path, after.path);
      } finally {
        inProgress.delete(key);
      }
    },
  };

  compareDrafts(walk, oldSchema, newSchema);
  walk.compare(oldSchema, newSchema, [], []);
  const changes = merge(sinks[0]!).map((change) => finish(change, mode));
  return { compatible: changes.every((change) => !change.breaking), mode, changes };
}

function assertSchema(node: unknown, path: Path): asserts node is boolean | Record<string, unknown> {
  if (typeof node !== "boolean" && !isObject(node))
    throw new TypeError(`not a JSON Schema at ${formatPointer(path) || "the root"}: ${JSON.stringify(node)}`);
}

function compareResolved(walk: Walk, oldNode: unknown, newNode: unknown, oldPath: Path, newPath: Path): void {
  assertSchema(oldNode, oldPath);
  assertSchema(newNode, newPath);
  if (oldNode === false || newNode === false) {
    if (oldNode === newNode) return;
    walk.record({
      pointer: newPath,
      keyword: "",
      kind: oldNode === false ? "SCHEMA_EXTENDED" : "SCHEMA_NARROWED",
      old: oldNode,
      new: newNode,
      narrows: newNode === false,
      widens: oldNode === false,
      detail:
        oldNode === false ? "a schema that accepted nothing now accepts values" : "the schema now accepts nothing",
    });
    return;
  }
  const before: SchemaObject = oldNode === true ? {} : oldNode;
  const after: SchemaObject = newNode === true ? {} : newNode;
  const whole = WHOLE_SCHEMA.find((key) => before[key] !== undefined || after[key] !== undefined);
  const unfollowedRef = before.$ref !== undefined || after.$ref !== undefined;
  if (whole !== undefined || unfollowedRef) {
    if (sameSchema(walk.oldDoc, walk.newDoc, before, after)) return;
    const keyword = whole ?? "$ref";
    walk.record({
      pointer: newPath,
      keyword,
      kind: "SCHEMA_CHANGED",
      old: oldNode,
      new: newNode,
      narrows: true,
      widens: true,
      detail: "the schema changed",
      unproven: `a change to a schema using ${keyword === "$ref" ? "$ref beside other keywords" : keyword} (an unchanged schema is required)`,
    });
    return;
  }

  for (const key of ANNOTATIONS) {
    if (jsonEqual(before[key], after[key])) continue;
    walk.record({
      pointer: after[key] === undefined ? [...oldPath, key] : [...newPath, key],
      keyword: key,
      kind: "ANNOTATION_CHANGED",
      old: before[key],
      new: after[key],
      narrows: false,
      widens: false,
      detail: `${key} is an annotation`,
    });
  }

  // A keyword constraining one kind of value cannot matter when a side admits no value of that kind.
  const within = (kind: ValueKind | undefined, run: () => void) => {
    if (kind === undefined) return run();
    const oldAdmits = admitsKind(before, kind);
    const newAdmits = admitsKind(after, kind);
    for (const change of walk.collect(run)) {
      change.narrows &&= oldAdmits;
      change.widens &&= newAdmits;
      walk.record(change);
    }
  };
  const pair: SchemaPair = { oldSchema: before, newSchema: after, oldPath, newPath };
  compareType(walk, pair);
  compareValues(walk, pair);
  comparePatternOrFormat(walk, "format", pair);
  compareCombinator(walk, "anyOf", pair);
  compareCombinator(walk, "allOf", pair);
  within("string", () => {
    compareCount(walk, "minLength", pair);
    compareCount(walk, "maxLength", pair);
    comparePatternOrFormat(walk, "pattern", pair);
  });
  within("number", () => {
    compareNumberBounds(walk, pair);
    compareMultipleOf(walk, pair);
  });
  const uniformItems = itemsAreUniform(before, after);
  within("array", () => {
    compareCount(walk, "minItems", pair);
    compareCount(walk, "maxItems", pair);
    compareUniqueItems(walk, pair);
    if (uniformItems) compareItems(walk, pair);
    else compareUnproven(walk, TUPLE_GROUP, pair);
  });
  const simpleObject = before.patternProperties === undefined && after.patternProperties === undefined;
  within("object", () => {
    compareCount(walk, "minProperties", pair);
    compareCount(walk, "maxProperties", pair);
    compareRequired(walk, pair);
    if (simpleObject) compareProperties(walk, pair);
    else compareUnproven(walk, OBJECT_GROUP, pair);
  });

  const done = new Set<string>([...PRECISE.keys(), ...OBJECT_GROUP.keywords, ...TUPLE_GROUP.keywords]);
  for (const key of new Set([...Object.keys(after), ...Object.keys(before)])) {
    if (done.has(key) || ANNOTATIONS.has(key) || NOT_APPLIED.has(key)) continue;
    const group = groupOf(key);
    for (const member of group.keywords) done.add(member);
    within(GROUP_KIND.get(group.keywords[0]!), () => compareUnproven(walk, group, pair));
  }
}

function compareDrafts(walk: Walk, oldSchema: unknown, newSchema: unknown): void {
  const { oldDoc, newDoc } = walk;
  const before = isObject(oldSchema) ? oldSchema.$schema : undefined;
  const after = isObject(newSchema) ? newSchema.$schema : undefined;
  if (oldDoc.unknownSchemaUri !== undefined || newDoc.unknownSchemaUri !== undefined) {
    walk.record({
      pointer: ["$schema"],
      keyword: "$schema",
      kind: "DRAFT_UNKNOWN",
      old: before,
      new: after,
      narrows: true,
      widens: true,
      detail: `$schema ${JSON.stringify(newDoc.unknownSchemaUri ?? oldDoc.unknownSchemaUri)} names no draft the checker knows`,
      unproven: "anything about a schema in an unknown draft",
    });
    return;
  }
  if (jsonEqual(before, after)) return;
  const sameDraft = oldDoc.draft === newDoc.draft;
  walk.record({
    pointer: ["$schema"],
    keyword: "$schema",
    kind: "DRAFT_CHANGED",
    old: before,
    new: after,
    narrows: !sameDraft,
    widens: !sameDraft,
    detail: sameDraft
      ? `$schema names the same draft (${newDoc.draft})`
      : `the draft changed from ${oldDoc.draft} to ${newDoc.draft}`,
    ...(sameDraft ? {} : { unproven: "a change of draft safe: the drafts give some keywords different meanings" }),
  });
}

/** One change per pointer, keyword and kind: a definition reached through several `$ref`s is reported once. */
function merge(found: readonly FoundChange[]): FoundChange[] {
  const byKey = new Map<string, FoundChange>();
  for (const change of found) {
    const key = `${formatPointer(change.pointer)}\u0000${change.keyword}\u0000${change.kind}\u0000${JSON.stringify(change.old)}\u0000${JSON.stringify(change.new)}`;
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { ...change });
    else {
      seen.narrows ||= change.narrows;
      seen.widens ||= change.widens;
    }
  }
  return [...byKey.values()];
}

const BREAKS = {
  narrows: "a payload valid under the old schema can be invalid under the new one",
  widens: "a payload valid under the new schema can be invalid under the old one",
};
const SAFE: Readonly<Record<CompatibilityMode, string>> = {
  backward: "every payload valid under the old schema stays valid",
  forward: "every payload valid under the new schema was valid under the old one",
  full: "a payload valid under either schema is valid under both",
};

function finish(change: FoundChange, mode: CompatibilityMode): SchemaChange {
  const narrowBreaks = mode !== "forward" && change.narrows;
  const widenBreaks = mode !== "backward" && change.widens;
  const breaking = narrowBreaks || widenBreaks;
  const reason = !breaking
    ? `${change.detail}: ${SAFE[mode]}`
    : change.unproven !== undefined
      ? `cannot prove ${change.unproven}; ${change.detail}`
      : `${change.detail}: ${narrowBreaks ? BREAKS.narrows : BREAKS.widens}`;
  return {
    pointer: formatPointer(change.pointer),
    keyword: change.keyword,
    kind: change.kind,
    old: change.old,
    new: change.new,
    breaking,
    reason,
  };
}

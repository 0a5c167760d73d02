/**
 * `properties`, `additionalProperties` and `required`. A property's schema is
 * `properties[name]`, else `additionalProperties` (absent means any value), so
 * a property added to or removed from `properties` is compared against the
 * other side's `additionalProperties`: adding one to a closed model only
 * accepts more, adding one to an open model constrains values old payloads may
 * hold, removing one from a closed model rejects payloads that had it.
 * With `patternProperties` on either side the three are compared together for
 * equality only (see compareSchemas.ts).
 */
import type { SchemaChangeKind } from "./types.js";
import { type FoundChange, type SchemaObject, type SchemaPair, type Walk, isObject, keywordPointer } from "./walk.js";
import { ANNOTATIONS } from "./keywords.js";

type ContentModel = "OPEN" | "CLOSED" | "PARTIALLY_OPEN";

function contentModel(additional: unknown): ContentModel {
  if (additional === undefined || additional === true) return "OPEN";
  if (additional === false) return "CLOSED";
  if (isObject(additional) && Object.keys(additional).every((key) => ANNOTATIONS.has(key))) return "OPEN";
  return "PARTIALLY_OPEN";
}

function properties(schema: SchemaObject): Record<string, unknown> {
  return isObject(schema.properties) ? schema.properties : {};
}

/** The first reason among `found` that moves the verdict, for a summary's detail. */
function because(found: readonly FoundChange[]): string {
  const first = found.find((change) => change.narrows || change.widens);
  return first === undefined ? "" : ` (${first.detail})`;
}

export function compareProperties(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema, oldPath, newPath } = pair;
  const before = properties(oldSchema);
  const after = properties(newSchema);
  const oldAdditional = oldSchema.additionalProperties ?? true;
  const newAdditional = newSchema.additionalProperties ?? true;
  const oldAdditionalPath = [...oldPath, "additionalProperties"];
  const newAdditionalPath = [...newPath, "additionalProperties"];
  for (const name of Object.keys(after)) {
    const newPropertyPath = [...newPath, "properties", name];
    if (Object.hasOwn(before, name)) {
      walk.compare(before[name], after[name], [...oldPath, "properties", name], newPropertyPath);
      continue;
    }
    const found = walk.collect(() => walk.compare(oldAdditional, after[name], oldAdditionalPath, newPropertyPath));
    const model = contentModel(oldSchema.additionalProperties);
    walk.record({
      pointer: newPropertyPath,
      keyword: "properties",
      kind: `PROPERTY_ADDED_TO_${model}_CONTENT_MODEL` satisfies SchemaChangeKind,
      old: undefined,
      new: after[name],
      narrows: found.some((change) => change.narrows),
      widens: found.some((change) => change.widens),
      detail: `property ${JSON.stringify(name)} added to a${model === "OPEN" ? "n open" : model === "CLOSED" ? " closed" : " partially open"} content model${because(found)}`,
    });
  }
  for (const name of Object.keys(before)) {
    if (Object.hasOwn(after, name)) continue;
    const oldPropertyPath = [...oldPath, "properties", name];
    const found = walk.collect(() => walk.compare(before[name], newAdditional, oldPropertyPath, newAdditionalPath));
    const model = contentModel(newSchema.additionalProperties);
    walk.record({
      pointer: oldPropertyPath,
      keyword: "properties",
      kind: `PROPERTY_REMOVED_FROM_${model}_CONTENT_MODEL` satisfies SchemaChangeKind,
      old: before[name],
      new: undefined,
      narrows: found.some((change) => change.narrows),
      widens: found.some((change) => change.widens),
      detail: `property ${JSON.stringify(name)} removed; its values now meet additionalProperties${because(found)}`,
    });
  }
  // Every other name meets additionalProperties on both sides.
  const oldModel = contentModel(oldSchema.additionalProperties);
  const newModel = contentModel(newSchema.additionalProperties);
  if (oldModel === "PARTIALLY_OPEN" && newModel === "PARTIALLY_OPEN") {
    walk.compare(oldAdditional, newAdditional, oldAdditionalPath, newAdditionalPath);
    return;
  }
  if (oldModel === newModel) return;
  const found = walk.collect(() => walk.compare(oldAdditional, newAdditional, oldAdditionalPath, newAdditionalPath));
  const narrows = found.some((change) => change.narrows);
  const widens = found.some((change) => change.widens);
  walk.record({
    pointer: keywordPointer("additionalProperties", pair),
    keyword: "additionalProperties",
    kind:
      narrows && widens
        ? "ADDITIONAL_PROPERTIES_CHANGED"
        : narrows
          ? "ADDITIONAL_PROPERTIES_NARROWED"
          : "ADDITIONAL_PROPERTIES_EXTENDED",
    old: oldSchema.additionalProperties,
    new: newSchema.additionalProperties,
    narrows,
    widens,
    detail: `additionalProperties changed from ${oldModel.toLowerCase().replace("_", "ly ")} to ${newModel.toLowerCase().replace("_", "ly ")}${because(found)}`,
  });
}

export function compareRequired(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema, oldPath, newPath } = pair;
  const names = (schema: SchemaObject) =>
    Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === "string") : [];
  const before = names(oldSchema);
  const after = names(newSchema);
  for (const name of after) {
    if (before.includes(name)) continue;
    walk.record({
      pointer: [...newPath, "required"],
      keyword: "required",
      kind: "REQUIRED_PROPERTY_ADDED",
      old: undefined,
      new: name,
      narrows: true,
      widens: false,
      detail: `property ${JSON.stringify(name)} became required`,
    });
  }
  for (const name of before) {
    if (after.includes(name)) continue;
    walk.record({
      pointer: newSchema.required === undefined ? [...oldPath, "required"] : [...newPath, "required"],
      keyword: "required",
      kind: "REQUIRED_PROPERTY_REMOVED",
      old: name,
      new: undefined,
      narrows: false,
      widens: true,
      detail: `property ${JSON.stringify(name)} is no longer required`,
    });
  }
}

/**
 * `items` in its one-schema form (every item meets it) and `uniqueItems`.
 * The tuple forms (`items` as a list, `prefixItems`, `additionalItems`) are
 * compared for equality only (see compareSchemas.ts).
 */
import { type SchemaObject, type SchemaPair, type Walk, keywordPointer } from "./walk.js";

/** Whether `items` is one schema on both sides, with no tuple keyword beside it. */
export function itemsAreUniform(oldSchema: SchemaObject, newSchema: SchemaObject): boolean {
  return [oldSchema, newSchema].every(
    (schema) =>
      !Array.isArray(schema.items) && schema.prefixItems === undefined && schema.additionalItems === undefined,
  );
}

export function compareItems(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema, oldPath, newPath } = pair;
  if (oldSchema.items === undefined && newSchema.items === undefined) return;
  walk.compare(oldSchema.items ?? true, newSchema.items ?? true, [...oldPath, "items"], [...newPath, "items"]);
}

export function compareUniqueItems(walk: Walk, pair: SchemaPair): void {
  const { oldSchema, newSchema } = pair;
  const before = oldSchema.uniqueItems === true;
  const after = newSchema.uniqueItems === true;
  if (before === after) return;
  walk.record({
    pointer: keywordPointer("uniqueItems", pair),
    keyword: "uniqueItems",
    kind: after ? "UNIQUE_ITEMS_ADDED" : "UNIQUE_ITEMS_REMOVED",
    old: oldSchema.uniqueItems,
    new: newSchema.uniqueItems,
    narrows: after,
    widens: before,
    detail: after ? "items must now be unique" : "items no longer need to be unique",
  });
}

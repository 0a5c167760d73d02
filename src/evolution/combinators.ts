/**
 * `anyOf` and `allOf`, compared branch by branch with sufficient conditions:
 * every old `anyOf` branch accepted by some new branch means the new `anyOf`
 * accepts every value the old one did; every new `allOf` branch implied by
 * some old branch means the same for `allOf`. When a condition fails the
 * checker cannot prove the change safe (the union of several branches may
 * still cover it) and calls it breaking. `oneOf` is not monotone (a value
 * matching two branches fails) and is compared for equality only.
 */
import type { FoundChange, Path, SchemaObject, SchemaPair, Walk } from "./walk.js";
import { keywordPointer } from "./walk.js";

type Branch = { readonly node: unknown; readonly path: Path };

function branches(schema: SchemaObject, keyword: "anyOf" | "allOf", path: Path): Branch[] {
  const list = schema[keyword];
  if (!Array.isArray(list)) return [];
  return list.map((node, index) => ({ node, path: [...path, keyword, index] }));
}

export function compareCombinator(walk: Walk, keyword: "anyOf" | "allOf", pair: SchemaPair): void {
  const { oldSchema, newSchema, oldPath, newPath } = pair;
  if (oldSchema[keyword] === undefined && newSchema[keyword] === undefined) return;
  const before = branches(oldSchema, keyword, oldPath);
  const after = branches(newSchema, keyword, newPath);
  // Absent, `anyOf` and `allOf` both accept everything: one branch `true`.
  const any: Branch[] = [{ node: true, path: [...oldPath, keyword] }];
  const anyNew: Branch[] = [{ node: true, path: [...newPath, keyword] }];
  const found = (a: Branch, b: Branch): FoundChange[] =>
    walk.collect(() => walk.compare(a.node, b.node, a.path, b.path));
  const oldSide = before.length > 0 ? before : any;
  const newSide = after.length > 0 ? after : anyNew;
  let narrows: boolean;
  let widens: boolean;
  if (keyword === "anyOf") {
    narrows = !oldSide.every((a) => newSide.some((b) => !found(a, b).some((change) => change.narrows)));
    widens = !newSide.every((b) => oldSide.some((a) => !found(a, b).some((change) => change.widens)));
  } else {
    const oldWithTrue = [...oldSide, ...any];
    const newWithTrue = [...newSide, ...anyNew];
    narrows = !newSide.every((b) => oldWithTrue.some((a) => !found(a, b).some((change) => change.narrows)));
    widens = !oldSide.every((a) => newWithTrue.some((b) => !found(a, b).some((change) => change.widens)));
  }
  const everyChange = oldSide.length === newSide.length ? oldSide.flatMap((a, i) => found(a, newSide[i]!)) : undefined;
  if (!narrows && !widens && everyChange !== undefined && everyChange.length === 0) return;
  const stem = keyword === "anyOf" ? "SUM_TYPE" : "PRODUCT_TYPE";
  walk.record({
    pointer: keywordPointer(keyword, pair),
    keyword,
    kind:
      narrows && widens
        ? `${stem}_CHANGED`
        : narrows
          ? `${stem}_NARROWED`
          : widens
            ? `${stem}_EXTENDED`
            : `${stem}_CHANGED`,
    old: oldSchema[keyword],
    new: newSchema[keyword],
    narrows,
    widens,
    detail: `${keyword} changed from ${before.length} to ${after.length} branches`,
    ...(narrows || widens
      ? {
          unproven:
            keyword === "anyOf"
              ? "that the new anyOf covers the old one: each branch must be accepted by a single branch of the other"
              : "that the allOf branches imply each other: each branch must follow from a single branch of the other",
        }
      : {}),
  });
}

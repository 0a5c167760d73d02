/**
 * Whether two subschemas are the same modulo annotations: the checker's answer
 * for every keyword it does not compare precisely. Local `$ref`s are followed
 * (two equal `$ref` strings may name changed definitions), a pair of
 * references already being compared is assumed the same (the coinductive
 * argument for recursive schemas), and anything it cannot follow (another
 * file, an anchor, `$dynamicRef`) is never the same.
 */
import { isDeepStrictEqual } from "node:util";
import { refIgnoresSiblings } from "./drafts.js";
import { ANNOTATIONS, NOT_APPLIED, SCHEMA_KEYWORDS } from "./keywords.js";
import { resolveRef, type SchemaDocument } from "./schemaDocument.js";
import { isObject } from "./walk.js";

/** Equality of JSON values as validators see it: key order does not matter, 1 and 1.0 are one number. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

function containsRef(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return value.some(containsRef);
  return Object.entries(value).some(([key, child]) => key === "$ref" || containsRef(child));
}

export function sameSchema(oldDoc: SchemaDocument, newDoc: SchemaDocument, a: unknown, b: unknown): boolean {
  const inProgress = new Set<string>();

  const follow = (doc: SchemaDocument, node: unknown): { node: unknown; key: string } | undefined => {
    let current = node;
    let key = "";
    for (let hops = 0; isObject(current) && typeof current.$ref === "string"; hops++) {
      if (!refIgnoresSiblings(doc.draft)) return { node: current, key };
      const resolved = resolveRef(doc, current.$ref);
      if (!resolved.ok || hops > 64) return undefined;
      current = resolved.node;
      key = resolved.path.join("/");
    }
    return { node: current, key };
  };

  const same = (x: unknown, y: unknown): boolean => {
    const fx = follow(oldDoc, x);
    const fy = follow(newDoc, y);
    if (fx === undefined || fy === undefined) return false;
    const pair = `${fx.key}\u0000${fy.key}`;
    if (fx.key !== "" || fy.key !== "") {
      if (inProgress.has(pair)) return true;
      inProgress.add(pair);
    }
    try {
      return sameNode(fx.node, fy.node);
    } finally {
      inProgress.delete(pair);
    }
  };

  const sameNode = (x: unknown, y: unknown): boolean => {
    const ox = x === true ? {} : x;
    const oy = y === true ? {} : y;
    if (typeof ox === "boolean" || typeof oy === "boolean") return ox === oy;
    if (!isObject(ox) || !isObject(oy)) return false;
    const keys = (o: Record<string, unknown>) =>
      Object.keys(o)
        .filter((key) => !ANNOTATIONS.has(key) && !NOT_APPLIED.has(key))
        .sort();
    const kx = keys(ox);
    const ky = keys(oy);
    if (!isDeepStrictEqual(kx, ky)) return false;
    return kx.every((key) => sameKeyword(key, ox[key], oy[key]));
  };

  const sameKeyword = (key: string, x: unknown, y: unknown): boolean => {
    if (key === "$dynamicRef" || key === "$recursiveRef") return false;
    if (key === "$ref") {
      // Only 2019-09 and later reach here (earlier drafts were followed above): compare the targets.
      const rx = resolveRef(oldDoc, x);
      const ry = resolveRef(newDoc, y);
      if (!rx.ok || !ry.ok) return false;
      const pair = `${rx.path.join("/")}\u0000${ry.path.join("/")}`;
      if (inProgress.has(pair)) return true;
      inProgress.add(pair);
      try {
        return sameNode(rx.node, ry.node);
      } finally {
        inProgress.delete(pair);
      }
    }
    switch (SCHEMA_KEYWORDS.get(key)) {
      case "schema":
        return same(x, y);
      case "schemaList":
        return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((item, i) => same(item, y[i]));
      case "items":
        if (Array.isArray(x) || Array.isArray(y))
          return (
            Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((item, i) => same(item, y[i]))
          );
        return same(x, y);
      case "schemaMap":
      case "dependencies": {
        if (!isObject(x) || !isObject(y)) return false;
        const names = Object.keys(x).sort();
        if (!isDeepStrictEqual(names, Object.keys(y).sort())) return false;
        return names.every((name) =>
          Array.isArray(x[name]) || Array.isArray(y[name]) ? jsonEqual(x[name], y[name]) : same(x[name], y[name]),
        );
      }
      default:
        // Data (enum, const) or a keyword the checker does not know: equal JSON, and no $ref it would not follow.
        return jsonEqual(x, y) && (key === "enum" || key === "const" || !containsRef(x));
    }
  };

  return same(a, b);
}

/**
 * One schema document as the checker reads it: its root, its draft, and the
 * local `$ref`s it can resolve. A `$ref` is resolved only when its meaning is
 * certain: a JSON pointer fragment (`#/definitions/a`, `#/$defs/a`, `#`) in a
 * document with no nested `$id` (which would move the base a fragment
 * resolves against). Anchors and other files are left unresolved, and the
 * checker cannot prove a change through them safe.
 */
import { unescapePointerToken } from "@pgmq-gen/runtime/contract";
import { draftOf } from "./drafts.js";
import type { SchemaDraft } from "./types.js";
import { isObject, type Path } from "./walk.js";

/** Keywords whose values are data, never schemas: a `$id` inside them is data too. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples"]);

export interface SchemaDocument {
  readonly root: unknown;
  readonly draft: SchemaDraft;
  /** The root's `$schema` when it names no draft the checker knows. */
  readonly unknownSchemaUri: unknown;
  /** Why no `$ref` of this document is resolved, when none is. */
  readonly refsUnresolvable: string | undefined;
}

export function schemaDocument(root: unknown, defaultDraft: SchemaDraft): SchemaDocument {
  const declared = isObject(root) ? root.$schema : undefined;
  const draft = draftOf(declared);
  return {
    root,
    draft: draft ?? defaultDraft,
    unknownSchemaUri: declared !== undefined && draft === undefined ? declared : undefined,
    refsUnresolvable: hasNestedId(root)
      ? "the document has a nested $id, which changes what its $refs resolve against"
      : undefined,
  };
}

function hasNestedId(root: unknown): boolean {
  const visit = (node: unknown, depth: number): boolean => {
    if (node === null || typeof node !== "object") return false;
    if (Array.isArray(node)) return node.some((item) => visit(item, depth + 1));
    for (const [key, value] of Object.entries(node)) {
      if (depth > 0 && (key === "$id" || key === "id") && typeof value === "string" && !value.startsWith("#"))
        return true;
      if (!DATA_KEYWORDS.has(key) && visit(value, depth + 1)) return true;
    }
    return false;
  };
  return visit(root, 0);
}

export type Resolved =
  | { readonly ok: true; readonly node: unknown; readonly path: Path }
  | { readonly ok: false; readonly reason: string };

/** The schema a `$ref` value names in `document`, with its path, or why it cannot be resolved. */
export function resolveRef(document: SchemaDocument, ref: unknown): Resolved {
  if (typeof ref !== "string") return { ok: false, reason: "$ref is not a string" };
  if (document.refsUnresolvable !== undefined) return { ok: false, reason: document.refsUnresolvable };
  if (!ref.startsWith("#")) return { ok: false, reason: `${JSON.stringify(ref)} is not a local reference` };
  const fragment = ref.slice(1);
  if (fragment !== "" && !fragment.startsWith("/"))
    return { ok: false, reason: `${JSON.stringify(ref)} names an anchor, which the checker does not resolve` };
  const path: string[] = [];
  let node: unknown = document.root;
  for (const raw of fragment === "" ? [] : fragment.slice(1).split("/")) {
    let token: string;
    try {
      token = unescapePointerToken(decodeURIComponent(raw));
    } catch {
      return { ok: false, reason: `${JSON.stringify(ref)} is not a valid JSON pointer` };
    }
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, token))
      return { ok: false, reason: `${JSON.stringify(ref)} points at nothing` };
    node = (node as Record<string, unknown>)[token];
    path.push(token);
  }
  return { ok: true, node, path };
}

/**
 * The schemas a queue's root applies, across files: each schema object is a
 * node (file + JSON pointer), with an edge to each subschema it holds
 * (subschemas.ts) and to the target of its `$ref` (already resolved by
 * schemaRefs.ts). Definitions are not applied by themselves: one is reached
 * only through a `$ref` to it. Walks use explicit stacks, since schemas may be
 * as deep as schemaDepth.ts allows.
 */
import { formatPointer } from "./jsonPointer.js";
import type { SchemaFile } from "./schemaFiles.js";
import { isSchemaObject, subschemas } from "./subschemas.js";

/** A `$ref` already resolved by schemaRefs.ts. */
export interface ResolvedRefEdge {
  readonly file: SchemaFile;
  /** Pointer of the object holding the `$ref`. */
  readonly holder: string;
  readonly ref: string;
  readonly target: { readonly file: SchemaFile; readonly pointer: string; readonly value: unknown };
}

export interface SchemaNode {
  /** `<displayPath>#<pointer>`: unique per schema object. */
  readonly key: string;
  readonly file: SchemaFile;
  readonly pointer: string;
  readonly schema: Record<string, unknown>;
}

export interface SchemaEdge {
  readonly to: SchemaNode;
  /** Whether `to` applies to the same value as the node the edge leaves (allOf, not, $ref, ...) rather than to a part of it. */
  readonly sameValue: boolean;
  /** The `$ref` this edge follows, or null for a keyword's subschema. */
  readonly ref: ResolvedRefEdge | null;
}

export interface SchemaGraph {
  /** Every schema the root applies, the root first, in document order. */
  readonly reachable: readonly SchemaNode[];
  edgesOf(node: SchemaNode): SchemaEdge[];
}

const keyOf = (file: SchemaFile, pointer: string) => `${file.displayPath}#${pointer}`;

function schemaNode(file: SchemaFile, pointer: string, schema: Record<string, unknown>): SchemaNode {
  return { key: keyOf(file, pointer), file, pointer, schema };
}

export function schemaGraph(root: SchemaFile, refs: readonly ResolvedRefEdge[]): SchemaGraph {
  const refByHolder = new Map(refs.map((ref) => [keyOf(ref.file, ref.holder), ref]));
  const edgesOf = (from: SchemaNode): SchemaEdge[] => {
    const edges: SchemaEdge[] = [];
    for (const sub of subschemas(from.schema)) {
      if (sub.kind === "definition") continue;
      edges.push({
        to: schemaNode(from.file, from.pointer + formatPointer(sub.tokens), sub.schema),
        sameValue: sub.kind === "same-value",
        ref: null,
      });
    }
    const ref = refByHolder.get(from.key);
    if (ref !== undefined && isSchemaObject(ref.target.value)) {
      edges.push({ to: schemaNode(ref.target.file, ref.target.pointer, ref.target.value), sameValue: true, ref });
    }
    return edges;
  };

  const reachable: SchemaNode[] = [];
  if (isSchemaObject(root.document)) {
    const seen = new Set<string>();
    const pending = [schemaNode(root, "", root.document)];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (seen.has(next.key)) continue;
      seen.add(next.key);
      reachable.push(next);
      const edges = edgesOf(next);
      // Reversed onto the stack, so the first subschema is visited first; a loop, since a spread of a huge object's edges would overflow.
      for (let index = edges.length - 1; index >= 0; index--) pending.push(edges[index]!.to);
    }
  }
  return { reachable, edgesOf };
}

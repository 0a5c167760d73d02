/**
 * Refuses a schema that applies itself to the same value without descending
 * into it: `a: { allOf: [{ $ref: "#/definitions/a" }] }`, or a -> b -> a
 * through any mix of `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`,
 * `dependentSchemas` and `$ref`. ajv compiles such a schema, and then every
 * validation recurses until the stack overflows, so no job could be pushed or
 * run. A cycle that passes through `properties`, `items` or another keyword
 * that descends into a part of the value is a recursive schema (a tree, a
 * linked list) and fine: each step consumes a level of the data.
 *
 * Only schemas reachable from the queue's root are checked (a definition that
 * nothing refers to is never applied). The walks use explicit stacks: the
 * schemas may be as deep as schemaDepth.ts allows.
 */
import { CompileError } from "../errors.js";
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

interface SchemaNode {
  readonly key: string;
  readonly file: SchemaFile;
  readonly pointer: string;
  readonly schema: Record<string, unknown>;
}

interface Edge {
  readonly to: SchemaNode;
  readonly sameValue: boolean;
  /** The `$ref` this edge follows, or null for a keyword's subschema. */
  readonly ref: ResolvedRefEdge | null;
}

const keyOf = (file: SchemaFile, pointer: string) => `${file.displayPath}#${pointer}`;

function node(file: SchemaFile, pointer: string, schema: Record<string, unknown>): SchemaNode {
  return { key: keyOf(file, pointer), file, pointer, schema };
}

/** Throws a CompileError at the `$ref` that closes the first such cycle, listing the cycle. */
export function checkSameValueCycles(
  root: SchemaFile,
  refs: readonly ResolvedRefEdge[],
  queue: string,
  errorLocation: (file: SchemaFile) => { file: string; option?: string },
): void {
  if (!isSchemaObject(root.document)) return;
  const refByHolder = new Map(refs.map((ref) => [keyOf(ref.file, ref.holder), ref]));
  const edgesOf = (from: SchemaNode): Edge[] => {
    const edges: Edge[] = [];
    for (const sub of subschemas(from.schema)) {
      if (sub.kind === "definition") continue;
      edges.push({ to: node(from.file, from.pointer + formatPointer(sub.tokens), sub.schema), sameValue: sub.kind === "same-value", ref: null });
    }
    const ref = refByHolder.get(from.key);
    if (ref !== undefined && isSchemaObject(ref.target.value)) {
      edges.push({ to: node(ref.target.file, ref.target.pointer, ref.target.value), sameValue: true, ref });
    }
    return edges;
  };

  // Every schema the root applies, in document order.
  const reachable: SchemaNode[] = [];
  const seen = new Set<string>();
  const pending = [node(root, "", root.document)];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next.key)) continue;
    seen.add(next.key);
    reachable.push(next);
    const edges = edgesOf(next);
    // Reversed onto the stack, so the first subschema is visited first; a loop, since a spread of a huge object's edges would overflow.
    for (let index = edges.length - 1; index >= 0; index--) pending.push(edges[index]!.to);
  }

  // Depth-first along same-value edges only; a node met again while still on the path closes a cycle.
  const finished = new Set<string>();
  for (const start of reachable) {
    if (finished.has(start.key)) continue;
    const path: { node: SchemaNode; entered: Edge | null; edges: Edge[]; next: number }[] = [];
    const onPath = new Map<string, number>();
    const enter = (to: SchemaNode, entered: Edge | null) => {
      onPath.set(to.key, path.length);
      path.push({ node: to, entered, edges: edgesOf(to).filter((edge) => edge.sameValue), next: 0 });
    };
    enter(start, null);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const edge = top.edges[top.next++];
      if (edge === undefined) {
        onPath.delete(top.node.key);
        finished.add(top.node.key);
        path.pop();
        continue;
      }
      const index = onPath.get(edge.to.key);
      if (index !== undefined) throw cycleError([...path.slice(index + 1).map((frame) => frame.entered!), edge], path[index]!.node, queue, errorLocation);
      if (!finished.has(edge.to.key)) enter(edge.to, edge);
    }
  }
}

function cycleError(
  cycle: readonly Edge[],
  first: SchemaNode,
  queue: string,
  errorLocation: (file: SchemaFile) => { file: string; option?: string },
): CompileError {
  // Every cycle follows at least one $ref (keywords alone only go deeper); the last one closes it.
  const closing = [...cycle].reverse().find((edge) => edge.ref !== null)!.ref!;
  const hops = [first.key, ...cycle.map((edge) => edge.to.key)].join(" -> ");
  return new CompileError(
    { ...errorLocation(closing.file), queue, pointer: `${closing.holder}/$ref` },
    `$ref ${JSON.stringify(closing.ref)} closes a cycle of schemas applied to the same value (${hops}): ` +
      "allOf, anyOf, oneOf, not, if/then/else and $ref apply a schema to the value itself, so validating any value would recurse " +
      "until the stack overflows. Break the cycle: remove this $ref, or let the recursion pass through properties or items, as a tree's children do",
  );
}

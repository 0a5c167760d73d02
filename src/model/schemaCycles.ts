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
 * nothing refers to is never applied).
 */
import { CompileError } from "../errors.js";
import type { SchemaFile } from "./schemaFiles.js";
import type { SchemaEdge, SchemaGraph, SchemaNode } from "./schemaGraph.js";

/** Throws a CompileError at the `$ref` that closes the first such cycle, listing the cycle. */
export function checkSameValueCycles(
  graph: SchemaGraph,
  queue: string,
  errorLocation: (file: SchemaFile) => { file: string; option?: string },
): void {
  // Depth-first along same-value edges only; a node met again while still on the path closes a cycle.
  const finished = new Set<string>();
  for (const start of graph.reachable) {
    if (finished.has(start.key)) continue;
    const path: { node: SchemaNode; entered: SchemaEdge | null; edges: SchemaEdge[]; next: number }[] = [];
    const onPath = new Map<string, number>();
    const enter = (to: SchemaNode, entered: SchemaEdge | null) => {
      onPath.set(to.key, path.length);
      path.push({ node: to, entered, edges: graph.edgesOf(to).filter((edge) => edge.sameValue), next: 0 });
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
      if (index !== undefined)
        throw cycleError(
          [...path.slice(index + 1).map((frame) => frame.entered!), edge],
          path[index]!.node,
          queue,
          errorLocation,
        );
      if (!finished.has(edge.to.key)) enter(edge.to, edge);
    }
  }
}

function cycleError(
  cycle: readonly SchemaEdge[],
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

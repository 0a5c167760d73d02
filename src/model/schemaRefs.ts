/**
 * Follows every `$ref` from a queue's root schema, through other files in
 * schemasDir, and checks that each one lands somewhere. json-schema-ref-parser
 * does the bundling afterwards; this pass exists because its errors do not say
 * which `$ref` (file + pointer) is broken, and ours must.
 *
 * `$id` does not change the base of relative `$ref`s here: schemas are
 * resolved as files next to each other in schemasDir.
 */
import path from "node:path";
import { CompileError } from "../errors.js";
import { formatPointer, normalizeFragment, resolvePointer } from "./jsonPointer.js";
import { checkSameValueCycles } from "./schemaCycles.js";
import { DATA_KEYWORDS } from "./schemaKeywords.js";
import { schemaGraph, type SchemaGraph } from "./schemaGraph.js";
import type { SchemaFile, SchemaFileReader } from "./schemaFiles.js";

interface RefSite {
  readonly ref: string;
  /** Pointer of the object holding the `$ref`, inside its file. */
  readonly pointer: string;
}

/** Every `$ref` string in a document, in document order. */
function refSites(document: unknown): RefSite[] {
  const sites: RefSite[] = [];
  const visit = (value: unknown, tokens: string[]): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...tokens, String(index)]));
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string")
        sites.push({ ref: child, pointer: formatPointer([...tokens, key]) });
      else if (!DATA_KEYWORDS.has(key)) visit(child, [...tokens, key]);
    }
  };
  visit(document, []);
  return sites;
}

/** Where a `$ref` lands: a file and the pointer inside it, normalised (`#` and `#/` forms agree). */
interface RefTarget {
  readonly file: SchemaFile;
  readonly pointer: string;
  readonly value: unknown;
}

/** Where a `$ref` is written, and where it lands. */
interface ResolvedRef {
  readonly file: SchemaFile;
  readonly site: RefSite;
  readonly target: RefTarget;
}

/**
 * Checks every `$ref` reachable from `root` and returns each file involved
 * (the root first), so the caller can validate each against its meta-schema
 * and report pointers in the file that holds them, and the graph of the
 * schemas the root applies (after refusing a cycle in it: schemaCycles.ts).
 */
export async function followSchemaRefs(
  root: SchemaFile,
  reader: SchemaFileReader,
  queue: string,
  errorLocation: (file: SchemaFile) => { file: string; option?: string },
): Promise<{ files: SchemaFile[]; graph: SchemaGraph }> {
  const reached = new Map<string, SchemaFile>([[root.path, root]]);
  const pending: SchemaFile[] = [root];
  const resolved: ResolvedRef[] = [];
  for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
    for (const site of refSites(file.document)) {
      const at = { ...errorLocation(file), queue, pointer: site.pointer };
      const hashIndex = site.ref.indexOf("#");
      const target = hashIndex === -1 ? site.ref : site.ref.slice(0, hashIndex);
      const fragment = hashIndex === -1 ? "" : site.ref.slice(hashIndex + 1);
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        throw new CompileError(
          at,
          `$ref ${JSON.stringify(site.ref)} is not a local file: copy the schema into schemasDir and refer to it by a relative path`,
        );
      }
      let targetFile = file;
      if (target !== "") {
        targetFile = await reader.read(path.resolve(path.dirname(file.path), decodeURIComponent(target)), at);
        if (!reached.has(targetFile.path)) {
          reached.set(targetFile.path, targetFile);
          pending.push(targetFile);
        }
      }
      const value = resolvePointer(targetFile.document, fragment);
      if (value === undefined) {
        const inFile = target === "" ? "this file" : targetFile.displayPath;
        throw new CompileError(at, `$ref ${JSON.stringify(site.ref)} points at nothing: ${inFile} has no #${fragment}`);
      }
      resolved.push({ file, site, target: { file: targetFile, pointer: normalizeFragment(fragment), value } });
    }
  }
  checkRefLoops(resolved, queue, errorLocation);
  const graph = schemaGraph(
    root,
    resolved.map(({ file, site, target }) => ({
      file,
      holder: site.pointer.slice(0, -"/$ref".length),
      ref: site.ref,
      target,
    })),
  );
  checkSameValueCycles(graph, queue, errorLocation);
  return { files: [...reached.values()], graph };
}

/**
 * A `$ref` whose target is itself only a `$ref`, and so on back to where the
 * chain started, never reaches a schema: every library that resolves it
 * loops until the stack overflows. (A `$ref` back to an ancestor through
 * `properties` or `items` is a recursive schema, and fine: the chain stops at
 * the ancestor, which is a real schema.) Reports the `$ref` that closes the loop.
 */
function checkRefLoops(
  resolved: readonly ResolvedRef[],
  queue: string,
  errorLocation: (file: SchemaFile) => { file: string; option?: string },
): void {
  const keyOf = (file: SchemaFile, pointer: string) => `${file.displayPath}#${pointer}`;
  /** `$ref`s by the pointer of the object that holds them. */
  const byHolder = new Map<string, ResolvedRef>();
  for (const ref of resolved) byHolder.set(keyOf(ref.file, ref.site.pointer.slice(0, -"/$ref".length)), ref);
  /** Holders already known to lead to a real schema. */
  const grounded = new Set<string>();

  for (const start of resolved) {
    const startKey = keyOf(start.file, start.site.pointer.slice(0, -"/$ref".length));
    const chain = [startKey];
    const inChain = new Set(chain);
    let ref: ResolvedRef | undefined = start;
    while (ref !== undefined) {
      const key = keyOf(ref.target.file, ref.target.pointer);
      if (grounded.has(key)) break;
      if (inChain.has(key)) {
        const hops = [...chain, key].join(" -> ");
        throw new CompileError(
          { ...errorLocation(ref.file), queue, pointer: ref.site.pointer },
          `$ref ${JSON.stringify(ref.site.ref)} closes a loop of $refs that never reaches a schema (${hops}); point one of them at a schema with keywords (type, properties, ...)`,
        );
      }
      chain.push(key);
      inChain.add(key);
      ref = byHolder.get(key);
    }
    for (const key of chain) grounded.add(key);
  }
}

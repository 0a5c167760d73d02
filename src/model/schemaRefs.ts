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
import { formatPointer, resolvePointer } from "./jsonPointer.js";
import type { SchemaFile, SchemaFileReader } from "./schemaFiles.js";

/** Keywords whose values are data, not schemas: a "$ref" inside them is not a reference. */
const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples"]);

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
      if (key === "$ref" && typeof child === "string") sites.push({ ref: child, pointer: formatPointer([...tokens, key]) });
      else if (!DATA_KEYWORDS.has(key)) visit(child, [...tokens, key]);
    }
  };
  visit(document, []);
  return sites;
}

/**
 * Checks every `$ref` reachable from `root` and returns each file involved
 * (the root first), so the caller can validate each against its meta-schema
 * and report pointers in the file that holds them.
 */
export async function followSchemaRefs(
  root: SchemaFile,
  reader: SchemaFileReader,
  queue: string,
  errorLocation: (file: SchemaFile) => { file: string; option?: string },
): Promise<SchemaFile[]> {
  const reached = new Map<string, SchemaFile>([[root.path, root]]);
  const pending: SchemaFile[] = [root];
  for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
    for (const site of refSites(file.document)) {
      const at = { ...errorLocation(file), queue, pointer: site.pointer };
      const hashIndex = site.ref.indexOf("#");
      const target = hashIndex === -1 ? site.ref : site.ref.slice(0, hashIndex);
      const fragment = hashIndex === -1 ? "" : site.ref.slice(hashIndex + 1);
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        throw new CompileError(at, `$ref ${JSON.stringify(site.ref)} is not a local file: copy the schema into schemasDir and refer to it by a relative path`);
      }
      let targetFile = file;
      if (target !== "") {
        targetFile = await reader.read(path.resolve(path.dirname(file.path), decodeURIComponent(target)), at);
        if (!reached.has(targetFile.path)) {
          reached.set(targetFile.path, targetFile);
          pending.push(targetFile);
        }
      }
      if (resolvePointer(targetFile.document, fragment) === undefined) {
        const inFile = target === "" ? "this file" : targetFile.displayPath;
        throw new CompileError(at, `$ref ${JSON.stringify(site.ref)} points at nothing: ${inFile} has no #${fragment}`);
      }
    }
  }
  return [...reached.values()];
}

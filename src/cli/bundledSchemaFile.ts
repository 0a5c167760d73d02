/**
 * A schema file named on the command line, made self-contained for
 * `pgmq-gen diff`: read, parsed, its `$ref`s to other files followed and
 * bundled in. compareSchemas follows `$ref`s inside one document only and
 * calls a change through a `$ref` to another file breaking, whatever it
 * names; bundled, those `$ref`s are internal (recursive ones included).
 *
 * The generator's own machinery does it (model/schemaFiles.ts,
 * schemaRefs.ts, schemaBundle.ts), so the diff accepts the `$ref`s the
 * generator accepts and reports a broken one the same way, at the file and
 * pointer holding it. Any file may be read: the user named it, and no config
 * limits the folders. Paths in messages are relative to `cwd`.
 */
import path from "node:path";
import { CompileError, type CompileErrorLocation } from "../errors.js";
import { bundleSchema } from "../model/schemaBundle.js";
import {
  createSchemaFileReader,
  displayPath,
  type SchemaFileReader,
  type SchemaReference,
} from "../model/schemaFiles.js";
import { followSchemaRefs } from "../model/schemaRefs.js";

/**
 * The model locates every error in a queue of the config; a diff has none.
 * The queue given is this placeholder, and `inputError` drops it again.
 */
const NO_QUEUE = "";

/** What a JSON value is, for saying what a file holds instead of a schema. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/**
 * The model's error, located without the queue and its advice about
 * schemasDir, which a diff has neither of. An empty pointer (a whole file) is
 * dropped too: `old.json: not valid JSON ...` rather than `old.json#: ...`.
 */
function inputError(error: CompileError, problem: string = error.problem): CompileError {
  const { file, pointer } = error.location;
  const location: CompileErrorLocation = pointer !== undefined && pointer !== "" ? { file, pointer } : { file };
  return new CompileError(location, problem);
}

/**
 * The model's reader, reading anywhere, with its errors for a missing or
 * unreadable file reworded: they advise moving the file into schemasDir.
 */
function diffFileReader(cwd: string): SchemaFileReader {
  const reader = createSchemaFileReader(cwd, "anywhere");
  const read = async (absolutePath: string, referencedFrom: SchemaReference) => {
    try {
      return await reader.read(absolutePath, referencedFrom);
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      const cause = error.cause as NodeJS.ErrnoException | undefined;
      if (cause?.code === undefined) throw inputError(error);
      // A file named on the command line is its own location; a `$ref`'d one is located at the `$ref`.
      const named = referencedFrom.pointer === undefined ? undefined : displayPath(cwd, absolutePath);
      const problem =
        cause.code === "ENOENT"
          ? `no such file${named !== undefined ? `: ${named}` : ""}`
          : `cannot read ${named ?? "it"}: ${cause.message}`;
      throw inputError(error, problem);
    }
  };
  return { read, filesRead: reader.filesRead };
}

/**
 * The schema in `file` (relative to `cwd`) with every `$ref` internal.
 * Throws a CompileError naming the file (and the `$ref` at fault) when it
 * cannot be read, is not JSON or not a schema, or a `$ref` leads nowhere.
 */
export async function readBundledSchemaFile(file: string, cwd: string): Promise<unknown> {
  const absolutePath = path.resolve(cwd, file);
  const shown = displayPath(cwd, absolutePath);
  const reader = diffFileReader(cwd);
  const root = await reader.read(absolutePath, { file: shown, queue: NO_QUEUE });
  const { document } = root;
  // A boolean is a whole schema, with no `$ref` to bundle.
  if (typeof document === "boolean") return document;
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    throw new CompileError(
      { file: shown },
      `not a JSON Schema: the file holds ${kindOf(document)}, and a schema is an object or a boolean`,
    );
  }
  try {
    const { files } = await followSchemaRefs(root, reader, NO_QUEUE, (each) => ({ file: each.displayPath }));
    return await bundleSchema(root, files);
  } catch (error) {
    throw error instanceof CompileError ? inputError(error) : error;
  }
}

/**
 * Reads and parses schema files, each at most once per build, however many
 * queues and `$ref`s name it. Paths are absolute; the `file` in errors is the
 * path relative to the config file's folder, as the user would write it.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CompileError } from "../errors.js";
import { parseJsonDocument } from "./jsonDocument.js";
import { checkSchemaDepth } from "./schemaDepth.js";

export interface SchemaFile {
  /** Absolute path. */
  readonly path: string;
  /** Relative to the config file's folder, with `/` separators, for messages and the model. */
  readonly displayPath: string;
  readonly text: string;
  readonly document: unknown;
}

/** Where a schema file was named: a `$ref` (file + pointer) or the config (file + option). */
export interface SchemaReference {
  readonly file: string;
  readonly queue: string;
  readonly pointer?: string;
  readonly option?: string;
}

export interface SchemaFileReader {
  /**
   * The file at `absolutePath`. `referencedFrom` says who asked for it, for
   * the error when it does not exist.
   */
  read(absolutePath: string, referencedFrom: SchemaReference): Promise<SchemaFile>;
  /** Absolute paths of every file read so far. */
  readonly filesRead: ReadonlySet<string>;
}

export function displayPath(rootDir: string, absolutePath: string): string {
  return path.relative(rootDir, absolutePath).split(path.sep).join("/");
}

export function createSchemaFileReader(rootDir: string): SchemaFileReader {
  const files = new Map<string, Promise<SchemaFile>>();
  const filesRead = new Set<string>();

  async function load(absolutePath: string, queue: string): Promise<SchemaFile> {
    const shown = displayPath(rootDir, absolutePath);
    const text = await readFile(absolutePath, "utf8");
    filesRead.add(absolutePath);
    const document = parseJsonDocument(text, { file: shown, queue });
    checkSchemaDepth(document, { file: shown, queue });
    return { path: absolutePath, displayPath: shown, text, document };
  }

  return {
    filesRead,
    read(absolutePath, referencedFrom) {
      let file = files.get(absolutePath);
      if (file === undefined) {
        file = load(absolutePath, referencedFrom.queue);
        files.set(absolutePath, file);
      }
      return file.catch((error: unknown) => {
        if (error instanceof CompileError) throw error;
        const code = (error as { code?: string }).code;
        const problem =
          code === "ENOENT"
            ? `schema file ${displayPath(rootDir, absolutePath)} does not exist`
            : `cannot read schema file ${displayPath(rootDir, absolutePath)}: ${(error as Error).message}`;
        throw new CompileError(referencedFrom, `${problem}; check the file name and that it is in schemasDir`,
          { cause: error },
        );
      });
    },
  };
}

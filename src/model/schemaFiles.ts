/**
 * Reads and parses schema files, each at most once per build, however many
 * queues and `$ref`s name it. Paths are absolute; the `file` in errors is the
 * path relative to the config file's folder, as the user would write it.
 *
 * Only files inside the project (the config file's folder) or schemasDir are
 * read, unless the config sets `allowSchemasOutsideProject`: a schema path or
 * `$ref` such as `../../../../etc/passwd` is refused before anything is read,
 * and so is a link whose real path leads out (the check is made on the path
 * as written, then on its real path, which is the one read).
 */
import { readFile, realpath } from "node:fs/promises";
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

/** The folders schema files may be read from, or "anywhere" (`allowSchemasOutsideProject: true`). */
export type ReadableFolders = readonly string[] | "anywhere";

/** Thrown by `load` and worded by `read`, which knows who named the file. */
class OutsideProjectError extends Error {
  constructor(readonly throughLink: boolean) {
    super("outside the project");
  }
}

function isInside(folder: string, absolutePath: string): boolean {
  const relative = path.relative(folder, absolutePath);
  return relative !== "" && !relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative);
}

/**
 * @param rootDir the config file's folder: paths in messages are relative to it.
 * @param readable where files may be read: the project and schemasDir (absolute), or "anywhere".
 */
export function createSchemaFileReader(rootDir: string, readable: ReadableFolders = [rootDir]): SchemaFileReader {
  const files = new Map<string, Promise<SchemaFile>>();
  const filesRead = new Set<string>();
  let realFolders: Promise<string[]> | undefined;

  /** The path to read: `absolutePath` resolved through links, once it is known to stay inside `readable`. */
  async function readablePath(absolutePath: string): Promise<string> {
    if (readable === "anywhere") return absolutePath;
    if (!readable.some((folder) => isInside(folder, absolutePath))) throw new OutsideProjectError(false);
    let real: string;
    try {
      real = await realpath(absolutePath);
    } catch {
      return absolutePath; // missing: reading it gives the error that says so
    }
    realFolders ??= Promise.all(readable.map((folder) => realpath(folder).catch(() => folder)));
    if (!(await realFolders).some((folder) => isInside(folder, real))) throw new OutsideProjectError(true);
    return real;
  }

  async function load(absolutePath: string, queue: string): Promise<SchemaFile> {
    const shown = displayPath(rootDir, absolutePath);
    const text = await readFile(await readablePath(absolutePath), "utf8");
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
        if (error instanceof OutsideProjectError) {
          const shown = displayPath(rootDir, absolutePath);
          throw new CompileError(
            referencedFrom,
            `schema file ${shown} ${error.throughLink ? "is a link to a file" : "is"} outside the project: pgmq-gen reads schema files only inside the config file's folder and schemasDir, and did not read it; move the file into schemasDir, or set allowSchemasOutsideProject: true in the config to read it where it is`,
          );
        }
        const code = (error as { code?: string }).code;
        const problem =
          code === "ENOENT"
            ? `schema file ${displayPath(rootDir, absolutePath)} does not exist`
            : `cannot read schema file ${displayPath(rootDir, absolutePath)}: ${(error as Error).message}`;
        throw new CompileError(referencedFrom, `${problem}; check the file name and that it is in schemasDir`, {
          cause: error,
        });
      });
    },
  };
}

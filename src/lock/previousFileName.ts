/**
 * The file name the lock's messages suggest for an older version's schema:
 * the current schema's name with the version in it, as the docs spell it
 * (`email.schema.json` -> `email.v1.schema.json`), relative to schemasDir.
 */
import path from "node:path";
import type { QueueModel } from "../model/types.js";
import type { LockContext } from "./lockContext.js";

/** `email.schema.json` -> `email.v1.schema.json`; `email.json` -> `email.v1.json`; a version already in the name is replaced. */
export function versionedFileName(fileName: string, version: number): string {
  const directory = path.posix.dirname(fileName);
  const base = path.posix.basename(fileName);
  const suffix = base.endsWith(".schema.json") ? ".schema.json" : path.posix.extname(base);
  const stem = base.slice(0, base.length - suffix.length).replace(/\.v\d+$/, "");
  const name = `${stem}.v${version}${suffix}`;
  return directory === "." ? name : `${directory}/${name}`;
}

/** The suggested `previous` entry for `version` of `queue`, relative to schemasDir (`/` separators). */
export function suggestedPreviousFile(queue: QueueModel, version: number, context: LockContext): string {
  if (queue.schemaFile === null) return `${queue.names.file}.v${version}.schema.json`;
  const current = path.relative(context.schemasDir, path.resolve(context.rootDir, queue.schemaFile));
  // A schema outside schemasDir (allowSchemasOutsideProject): suggest one inside it.
  if (current.startsWith("..") || path.isAbsolute(current)) return `${queue.names.file}.v${version}.schema.json`;
  return versionedFileName(current.split(path.sep).join("/"), version);
}

/** A file name relative to schemasDir, as messages show it: relative to the config file's folder. */
export function shownSchemaFile(fileName: string, context: LockContext): string {
  return path.relative(context.rootDir, path.resolve(context.schemasDir, fileName)).split(path.sep).join("/");
}

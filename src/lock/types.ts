/**
 * `pgmq.lock.json` (issue 14 §2): for each queue, its version and the schema
 * of every version that may still be queued, as the last successful generate
 * saw them. Teams commit it, as they do package-lock.json; each generate
 * checks the schemas against it, so a change that would break messages
 * already queued (or producers and workers already deployed) fails the build
 * instead of a deployment.
 *
 * The file:
 *
 *     { "lockfileVersion": 1,
 *       "queues": { "<key>": { "version": 2, "schemas": { "1": <schema>, "2": <schema> } } } }
 *
 * Each schema is bundled (every `$ref` inlined, so a change in a referenced
 * file shows) and normalised (keys sorted; normalizeJson.ts), queues are in
 * key order, 2-space JSON with a final newline: the same input gives the same
 * bytes. Annotations (`description`, `examples`, ...) are kept: the lock is
 * also where `--write-previous` restores a version's schema from, and they
 * never affect compatibility.
 */

/** The file's name, beside the config file. */
export const LOCK_FILE_NAME = "pgmq.lock.json";

/** The format this pgmq-gen reads and writes (`lockfileVersion`). */
export const LOCKFILE_VERSION = 1;

/** One queue's record. */
export interface LockEntry {
  /** The queue's version (config `version`). */
  readonly version: number;
  /** The bundled, normalised schema of each version that may be queued: the current one and those in `previous`. */
  readonly schemas: ReadonlyMap<number, unknown>;
}

/** The lock's queues by key (the whole file in format 1). */
export type LockedQueues = ReadonlyMap<string, LockEntry>;

/** What `generate()` did with `pgmq.lock.json` (or, with `check`, would do). Queue keys sorted. */
export interface LockResult {
  /** Absolute path of the lock file (beside the config file). */
  readonly path: string;
  /** The file was created or rewritten because its bytes changed. Always false in check mode. */
  readonly written: boolean;
  /** Check mode only: the file is missing or out of date (a run without `check` would write it). */
  readonly stale: boolean;
  /** Queues the lock had no entry for: recorded as they are (new queues, or the first run). */
  readonly recorded: readonly string[];
  /** Queues whose entry changed: a compatible schema change, a new version, a version dropped from `previous`. */
  readonly updated: readonly string[];
  /** Queues no longer in the config, dropped from the lock. */
  readonly removed: readonly string[];
  /** `writePrevious` only: the schema files it wrote, relative to the config file's folder. */
  readonly previousWritten: readonly string[];
}

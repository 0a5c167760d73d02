/**
 * One queue against its entry in the lock (issue 14 §2). The rules:
 *
 * - no entry (a new queue, or the first run): nothing to check;
 * - the config's version is below the lock's: refused, versions never go down;
 * - the same version: the lock's schema of it (old) against the current one
 *   (new), under the queue's `compatibility`;
 * - a higher version: the lock's version must be kept in `previous`; the
 *   current schema is free, that is what the bump is for;
 * - in every case, each version in both the lock and `previous` is compared
 *   (lock's schema old, the previous file's new): a shipped version's schema
 *   must keep accepting what was queued under it.
 *
 * `compatibility: "none"` skips the comparisons, not the version rules.
 * Versions the lock has and `previous` no longer does were retired: they are
 * dropped from the lock, which is why a version may only leave `previous`
 * once none of its messages are queued (docs/lock-file.md).
 */
import { compareSchemas } from "../evolution/compareSchemas.js";
import type { CompatibilityMode } from "../evolution/types.js";
import type { CompileError } from "../errors.js";
import type { QueueModel } from "../model/types.js";
import type { LockContext } from "./lockContext.js";
import {
  breakingChangeError,
  previousMissingError,
  shippedVersionChangedError,
  unreadableLockedSchemaError,
  versionWentDownError,
} from "./lockErrors.js";
import { normalizeJson } from "./normalizeJson.js";
import type { LockEntry } from "./types.js";

/** The queue's entry as this run would record it: its version, and every schema that may be queued. */
export function lockEntryOf(queue: QueueModel): LockEntry {
  const schemas = new Map<number, unknown>();
  for (const previous of queue.previousVersions) schemas.set(previous.version, normalizeJson(previous.schema));
  schemas.set(queue.version, normalizeJson(queue.schema));
  return { version: queue.version, schemas };
}

/**
 * Every problem of `queue` against `locked` (its entry in the lock, if any);
 * empty when `next` (`lockEntryOf(queue)`) may be recorded.
 */
export function checkQueueLock(
  queue: QueueModel,
  next: LockEntry,
  locked: LockEntry | undefined,
  context: LockContext,
): CompileError[] {
  if (locked === undefined) return [];
  if (queue.version < locked.version) return [versionWentDownError(queue, locked.version, context)];
  const errors: CompileError[] = [];
  const previous = new Map(queue.previousVersions.map((kept) => [kept.version, kept]));
  if (queue.version > locked.version && !previous.has(locked.version)) {
    errors.push(previousMissingError(queue, locked.version, context));
  }
  const mode = queue.compatibility;
  if (mode === "none") return errors;

  for (const [version, lockedSchema] of locked.schemas) {
    const kept = previous.get(version);
    const current = next.schemas.get(version);
    if (current === undefined) continue; // retired: no longer in previous
    // Most runs change no schema: both normalised, equal text is no change, and the walk is skipped.
    if (JSON.stringify(current) === JSON.stringify(lockedSchema)) continue;
    const comparison = compare(lockedSchema, current, mode);
    if (typeof comparison === "string") {
      errors.push(unreadableLockedSchemaError(queue, version, comparison, context));
    } else if (!comparison.compatible) {
      errors.push(
        kept === undefined
          ? breakingChangeError(queue, mode, comparison.changes, context)
          : shippedVersionChangedError(queue, kept, mode, comparison.changes, context),
      );
    }
  }
  return errors;
}

/** The comparison, or why the locked schema cannot be compared (compareSchemas throws a TypeError for a non-schema). */
function compare(
  lockedSchema: unknown,
  current: unknown,
  mode: CompatibilityMode,
): ReturnType<typeof compareSchemas> | string {
  try {
    return compareSchemas(lockedSchema, current, { mode });
  } catch (error) {
    if (error instanceof TypeError) return error.message;
    throw error;
  }
}

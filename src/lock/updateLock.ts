/**
 * The whole project against the lock: every queue checked (every problem
 * reported together), and the lock this run would write. A queue no longer in
 * the config is dropped from the lock, as are the versions a queue dropped
 * from `previous`: the lock records what may still be queued now.
 */
import type { CompileError } from "../errors.js";
import type { ProjectModel } from "../model/types.js";
import type { LockContext } from "./lockContext.js";
import { lockFileText } from "./lockFormat.js";
import { checkQueueLock, lockEntryOf } from "./queueLockCheck.js";
import type { LockEntry, LockedQueues } from "./types.js";

export interface LockUpdate {
  /** Every queue's problems, in key order; the lock must not be written when there is one. */
  readonly errors: readonly CompileError[];
  /** The lock file's text after this run. */
  readonly text: string;
  /** Queues the lock had no entry for. */
  readonly recorded: readonly string[];
  /** Queues whose entry changed. */
  readonly updated: readonly string[];
  /** Queues in the lock but not in the config. */
  readonly removed: readonly string[];
}

/** Checks `model`'s queues against `locked` (null: no lock yet) and makes the next lock. */
export function updateLock(model: ProjectModel, locked: LockedQueues | null, context: LockContext): LockUpdate {
  const errors: CompileError[] = [];
  const next = new Map<string, LockEntry>();
  const recorded: string[] = [];
  const updated: string[] = [];
  for (const queue of model.queues) {
    const before = locked?.get(queue.key);
    const entry = lockEntryOf(queue);
    errors.push(...checkQueueLock(queue, entry, before, context));
    next.set(queue.key, entry);
    if (before === undefined) recorded.push(queue.key);
    else if (entryText(before) !== entryText(entry)) updated.push(queue.key);
  }
  const removed = [...(locked?.keys() ?? [])].filter((key) => !next.has(key)).sort();
  return { errors, text: lockFileText(next), recorded, updated, removed };
}

/** An entry's text, to tell a changed entry from one read back unchanged (both normalised). */
function entryText(entry: LockEntry): string {
  return lockFileText(new Map([["", entry]]));
}

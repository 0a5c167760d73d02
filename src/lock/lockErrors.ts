/**
 * The errors of the lock check, each saying what changed, where (queue, file,
 * JSON pointer, old → new) and the ways forward. Pointers are into the
 * bundled schema, which is the schema file with the files it `$ref`s inlined:
 * for a schema without `$ref`s to other files they are pointers into it.
 */
import type { CompatibilityMode, SchemaChange } from "../evolution/types.js";
import { CompileError, type CompileErrorLocation } from "../errors.js";
import type { PreviousVersionModel, QueueModel } from "../model/types.js";
import type { LockContext } from "./lockContext.js";
import { shownSchemaFile, suggestedPreviousFile } from "./previousFileName.js";

const DOCS = "docs/schema-evolution.md";

/** What each mode keeps valid, for the reader who did not choose it. */
const MODE_RULE: Readonly<Record<CompatibilityMode, string>> = {
  backward:
    "every payload valid under the old schema must stay valid, for the messages already queued and the producers not yet deployed",
  forward: "every payload valid under the new schema must be valid under the old one, for workers not yet deployed",
  full: "payloads must stay valid both ways",
};

const MODE_ADJECTIVE: Readonly<Record<CompatibilityMode, string>> = {
  backward: "backward compatible",
  forward: "forward compatible",
  full: "compatible both ways",
};

/** A value as a message shows it: compact JSON, cut at 60 characters. */
function shown(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `/required: (none) → "cc" (property "cc" became required: ...)`, for each breaking change. */
export function describeBreakingChanges(changes: readonly SchemaChange[]): string {
  return changes
    .filter((change) => change.breaking)
    .map(
      (change) =>
        `${change.pointer === "" ? "(root)" : change.pointer}: ${shown(change.old)} → ${shown(change.new)} (${change.reason})`,
    )
    .join("; ");
}

/** Where a version's schema is: its file, or the config option holding it inline. */
function schemaLocation(
  queue: QueueModel,
  schemaFile: string | null,
  option: string,
  context: LockContext,
): CompileErrorLocation {
  return schemaFile !== null
    ? { file: schemaFile, queue: queue.key }
    : { file: context.configFile, queue: queue.key, option };
}

/** The current version's schema changed in a way `queue.compatibility` refuses. */
export function breakingChangeError(
  queue: QueueModel,
  mode: CompatibilityMode,
  changes: readonly SchemaChange[],
  context: LockContext,
): CompileError {
  const { version, key } = queue;
  const file = suggestedPreviousFile(queue, version, context);
  const keep =
    queue.previousVersions.length === 0
      ? `keep version ${version}'s schema in previous (previous: { ${version}: "${file}" }`
      : `add version ${version}'s schema to previous (${version}: "${file}"`;
  return new CompileError(
    schemaLocation(queue, queue.schemaFile, `queues.${key}.schema`, context),
    `breaking change to version ${version} of the payload schema, compared with ${context.lockFile} ` +
      `(compatibility "${mode}": ${MODE_RULE[mode]}): ${describeBreakingChanges(changes)}. Nothing was written. ` +
      `Either make the change ${MODE_ADJECTIVE[mode]}, or bump queues.${key}.version to ${version + 1}: ${keep}; ` +
      `\`pgmq-gen --write-previous\` writes that file from ${context.lockFile}) and add an upgrade module with ` +
      `from${version} (see ${DOCS}).`,
  );
}

/** An older version's schema, kept in `previous`, changed since the lock recorded it. */
export function shippedVersionChangedError(
  queue: QueueModel,
  previous: PreviousVersionModel,
  mode: CompatibilityMode,
  changes: readonly SchemaChange[],
  context: LockContext,
): CompileError {
  const { version } = previous;
  const option = `queues.${queue.key}.previous.${version}`;
  const restore =
    previous.schemaFile !== null
      ? `delete ${previous.schemaFile} and run \`pgmq-gen --write-previous\`, which writes it again from ${context.lockFile}`
      : `copy queues.${queue.key}.schemas.${version} of ${context.lockFile} back into ${option}`;
  return new CompileError(
    schemaLocation(queue, previous.schemaFile, option, context),
    `version ${version}'s schema changed since ${context.lockFile} recorded it, and the change is breaking ` +
      `(compatibility "${mode}": ${MODE_RULE[mode]}): ${describeBreakingChanges(changes)}. Messages of version ` +
      `${version} may still be queued, so its schema must stay as it shipped. Nothing was written. Restore it: ${restore}.`,
  );
}

/** The config's version is below the lock's. */
export function versionWentDownError(queue: QueueModel, lockedVersion: number, context: LockContext): CompileError {
  return new CompileError(
    { file: context.configFile, queue: queue.key, option: `queues.${queue.key}.version` },
    `version ${queue.version} is lower than version ${lockedVersion} recorded in ${context.lockFile}: versions ` +
      `never go down, since messages stamped with version ${lockedVersion} may be queued. Set version to ` +
      `${lockedVersion} (or higher, for a new version). To start the queue's history over on purpose, when no message ` +
      `of it is queued anywhere, delete its entry ("${queue.key}" under "queues") from ${context.lockFile}: the next ` +
      `run records it afresh. Nothing was written.`,
  );
}

/** The version was bumped, but the version the lock holds is not kept in `previous`. */
export function previousMissingError(queue: QueueModel, lockedVersion: number, context: LockContext): CompileError {
  const file = suggestedPreviousFile(queue, lockedVersion, context);
  const upTo =
    queue.version - lockedVersion > 1 ? ` (and every version after it up to ${queue.version - 1}, without a gap)` : "";
  return new CompileError(
    { file: context.configFile, queue: queue.key, option: `queues.${queue.key}.previous` },
    `version ${queue.version} replaces version ${lockedVersion} recorded in ${context.lockFile}, but previous does ` +
      `not keep version ${lockedVersion}: messages of it may still be queued, and workers need its schema to read ` +
      `and upgrade them. Add previous: { ${lockedVersion}: "${file}" }${upTo} and an upgrade module ` +
      `(upgrade: "./upgrades/${queue.key}.ts", exporting from${lockedVersion}); then \`pgmq-gen --write-previous\` ` +
      `writes ${shownSchemaFile(file, context)} from ${context.lockFile}. Nothing was written.`,
  );
}

/** A schema in the lock that the comparison cannot read (the lock was edited by hand). */
export function unreadableLockedSchemaError(
  queue: QueueModel,
  version: number,
  reason: string,
  context: LockContext,
): CompileError {
  return new CompileError(
    { file: context.lockFile, queue: queue.key, pointer: `/queues/${queue.key}/schemas/${version}` },
    `the schema recorded for version ${version} is not a JSON Schema (${reason}); restore ${context.lockFile} from ` +
      "version control",
  );
}

/**
 * `pgmq.lock.json` to and from text (the format is described in types.ts).
 * Reading checks every part, since a person may edit the file or merge two
 * branches' edits: each problem is reported at its JSON pointer, with what to
 * do, and nothing is written.
 */
import { formatPointer } from "@pgmq-gen/runtime/contract";
import { CompileError, CompileErrors } from "../errors.js";
import { parseJsonDocument } from "../model/jsonDocument.js";
import { checkSchemaDepth } from "../model/schemaDepth.js";
import { normalizeJson } from "./normalizeJson.js";
import { LOCKFILE_VERSION, type LockEntry, type LockedQueues } from "./types.js";

/** The lock file's text: queues in key order, versions in numeric order, 2-space JSON, a final newline. */
export function lockFileText(queues: LockedQueues): string {
  const keys = [...queues.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const file = {
    lockfileVersion: LOCKFILE_VERSION,
    queues: Object.fromEntries(keys.map((key) => [key, entryJson(queues.get(key)!)])),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function entryJson(entry: LockEntry): unknown {
  const versions = [...entry.schemas.keys()].sort((a, b) => a - b);
  return {
    version: entry.version,
    schemas: Object.fromEntries(versions.map((version) => [String(version), entry.schemas.get(version)])),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A version as the lock writes it: a whole number from 1, as a JSON number or (a `schemas` key) its decimal text. */
function isVersion(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** Git's conflict markers, at the start of a line. */
const CONFLICT_MARKER = /^(<{7}|={7}|>{7})(?: |$)/m;

const RESTORE = "restore pgmq.lock.json from version control, or fix it by hand";

/**
 * Deepest nesting read, from the file's root (a schema starts 5 levels down):
 * its schemas are walked recursively (normalizeJson, compareSchemas), which
 * overflows the stack past a few thousand levels. Schema files are held to
 * MAX_SCHEMA_DEPTH each; bundled, a schema may nest a few files deep.
 */
const MAX_LOCK_DEPTH = 1000;

/** Parses the lock file's text; throws `CompileError`/`CompileErrors` at each part that is not as pgmq-gen writes it. */
export function parseLockFile(text: string, file: string): LockedQueues {
  let document: unknown;
  try {
    document = parseJsonDocument(text, { file });
  } catch (error) {
    if (!(error instanceof CompileError) || !CONFLICT_MARKER.test(text)) throw error;
    throw new CompileError(
      error.location,
      `${error.problem} It holds merge conflict markers: resolve the conflict keeping every queue either side has; for a queue both sides changed, keep the entry of the branch merged into (what shipped) and run pgmq-gen, which checks the merged schemas against it.`,
    );
  }
  try {
    checkSchemaDepth(document, { file }, MAX_LOCK_DEPTH);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    throw new CompileError(
      error.location,
      `nested more than ${MAX_LOCK_DEPTH} levels deep, deeper than pgmq-gen writes; ${RESTORE}`,
    );
  }
  const errors: CompileError[] = [];
  const problem = (tokens: readonly (string | number)[], what: string) =>
    errors.push(new CompileError({ file, pointer: formatPointer(tokens) }, `${what}; ${RESTORE}`));

  if (!isRecord(document)) {
    problem([], 'expected an object { "lockfileVersion": 1, "queues": { ... } }');
    throw errors[0];
  }
  const { lockfileVersion, queues } = document;
  if (lockfileVersion !== LOCKFILE_VERSION) {
    if (isVersion(lockfileVersion) && lockfileVersion > LOCKFILE_VERSION) {
      throw new CompileError(
        { file, pointer: "/lockfileVersion" },
        `lockfileVersion ${lockfileVersion} was written by a newer pgmq-gen; this one reads version ${LOCKFILE_VERSION}: upgrade pgmq-gen to the version that wrote it`,
      );
    }
    problem(
      ["lockfileVersion"],
      `expected lockfileVersion ${LOCKFILE_VERSION}, got ${JSON.stringify(lockfileVersion)}`,
    );
  }
  for (const key of Object.keys(document)) {
    if (key !== "lockfileVersion" && key !== "queues") problem([key], `unknown key ${JSON.stringify(key)}`);
  }
  const entries = new Map<string, LockEntry>();
  if (!isRecord(queues)) {
    problem(["queues"], "expected an object of queues keyed by queue name");
  } else {
    for (const [key, entry] of Object.entries(queues)) {
      const parsed = parseEntry(entry, ["queues", key], problem);
      if (parsed !== null) entries.set(key, parsed);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new CompileErrors(errors);
  return entries;
}

function parseEntry(
  entry: unknown,
  at: readonly string[],
  problem: (tokens: readonly (string | number)[], what: string) => void,
): LockEntry | null {
  if (!isRecord(entry)) {
    problem(at, 'expected { "version": <n>, "schemas": { "<n>": <schema> } }');
    return null;
  }
  for (const key of Object.keys(entry)) {
    if (key !== "version" && key !== "schemas") problem([...at, key], `unknown key ${JSON.stringify(key)}`);
  }
  const { version, schemas } = entry;
  if (!isVersion(version)) problem([...at, "version"], `expected a version, a whole number from 1`);
  if (!isRecord(schemas)) {
    problem([...at, "schemas"], "expected an object of schemas keyed by version");
    return null;
  }
  const parsed = new Map<number, unknown>();
  for (const [versionText, schema] of Object.entries(schemas)) {
    const schemaVersion = Number(versionText);
    if (!isVersion(schemaVersion) || String(schemaVersion) !== versionText) {
      problem([...at, "schemas", versionText], `expected a version number (1, 2, ...) as the key`);
    } else if (isVersion(version) && schemaVersion > version) {
      problem([...at, "schemas", versionText], `version ${schemaVersion} is newer than the queue's version ${version}`);
    } else if (!isRecord(schema) && typeof schema !== "boolean") {
      problem([...at, "schemas", versionText], "expected a JSON Schema (an object or a boolean)");
    } else {
      // Normalised as read, so an entry written by hand in another key order is the same entry.
      parsed.set(schemaVersion, normalizeJson(schema));
    }
  }
  if (!isVersion(version)) return null;
  if (!parsed.has(version) && !Object.hasOwn(schemas, String(version))) {
    problem([...at, "schemas"], `expected the schema of the queue's version ${version}`);
    return null;
  }
  return { version, schemas: parsed };
}

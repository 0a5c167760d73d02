/**
 * Decoding a message that is not simply of the queue's current version
 * (codec.ts decodes those itself): by its version stamp (messageVersion.ts),
 * the payload is checked against the schema of the version it was written
 * at, then upgraded step by step (`from<N>`, each result checked against
 * version N + 1's schema) to the current version.
 *
 * - stamped with a previous version: that version's schema, then upgrades;
 * - no stamp (another PGMQ client wrote it): the current schema, then each
 *   previous one newest first; the first that accepts it is upgraded from;
 * - stamped newer than the worker: taken if the current schema accepts it,
 *   else `NewerVersionError` (retried: a newer worker can take it);
 * - stamped older than every version kept (retired), or with a stamp that
 *   is not a version: `DecodeError`.
 *
 * What no retry can fix is a `DecodeError` (killed at once); what a fixed
 * upgrade or a newer worker can is an `UpgradeError` or `NewerVersionError`
 * (a failed attempt, retried).
 */
import { DecodeError } from "./errors.js";
import { isVersionNumber, VERSION_HEADER } from "./messageVersion.js";
import type { QueueVersions } from "./queueVersions.js";
import type { JsonValue } from "./types.js";
import { lastIssues } from "./validatorIssues.js";
import { NewerVersionError, UpgradeError } from "./versionErrors.js";

/** The payload (after the transform's decode) as a job of the current version, by its stamp. */
export function decodeVersioned(payload: unknown, stamp: JsonValue | undefined, versions: QueueVersions): unknown {
  const { queue, current, oldest } = versions;
  if (stamp === undefined) return decodeUnstamped(payload, versions);
  if (!isVersionNumber(stamp)) {
    throw new DecodeError(queue, [], {
      detail:
        `the message's ${VERSION_HEADER} header is ${JSON.stringify(stamp)}, not a positive integer: it is ` +
        "pgmq-gen's schema version stamp, which a producer must leave to the runtime (or leave out)",
    });
  }
  if (stamp > current) {
    const validator = versions.validators.at(-1)!;
    if (validator(payload)) return payload;
    throw new NewerVersionError({ queue, version: stamp, workerVersion: current, issues: lastIssues(validator) });
  }
  if (stamp < oldest) {
    const kept = oldest === current ? `only version ${current}` : `versions ${oldest} to ${current}`;
    throw new DecodeError(queue, [], {
      detail:
        `the message is stamped version ${stamp} (${VERSION_HEADER}), and this worker decodes ${kept}: version ` +
        `${stamp} was retired while messages of it were still queued. Count a version's messages with ` +
        "queuedVersionCounts before dropping it from previousVersions",
    });
  }
  const validator = versions.validators[stamp - oldest]!;
  if (!validator(payload)) {
    throw new DecodeError(queue, lastIssues(validator), {
      detail: `stored message does not match the schema of version ${stamp}, the version it is stamped with (${VERSION_HEADER})`,
    });
  }
  return upgrade(payload, stamp, versions);
}

/**
 * A message without a stamp: the first version whose schema accepts it,
 * newest first, upgraded from there. The current schema's issues are the
 * error's when none does: a foreign producer most likely meant the current version.
 */
function decodeUnstamped(payload: unknown, versions: QueueVersions): unknown {
  const { validators, oldest, current } = versions;
  const currentValidator = validators.at(-1)!;
  if (currentValidator(payload)) return payload;
  const issues = lastIssues(currentValidator);
  for (let version = current - 1; version >= oldest; version--) {
    if (validators[version - oldest]!(payload)) return upgrade(payload, version, versions);
  }
  const tried =
    oldest === current ? "" : `; versions ${oldest} to ${current - 1} were tried too, and reject it as well`;
  throw new DecodeError(versions.queue, issues, {
    detail:
      `stored message has no ${VERSION_HEADER} header and does not match the schema of version ${current}` +
      `${tried}; version ${current}'s issues`,
  });
}

/** `job`, valid at version `from`, through each step to the current version; each result is checked. */
function upgrade(job: unknown, from: number, versions: QueueVersions): unknown {
  const { queue, current, oldest, steps, validators } = versions;
  let upgraded = job;
  for (let version = from; version < current; version++) {
    const failure = { queue, fromVersion: from, toVersion: current, stepVersion: version };
    try {
      upgraded = steps[version - oldest]!(upgraded);
    } catch (cause) {
      throw new UpgradeError(failure, { cause });
    }
    // A Promise is an object that a loose schema accepts: an async step would hand the handler a Promise.
    if (upgraded instanceof Promise) {
      // Nobody awaits it: a rejection must not be left unhandled (it ends the process).
      upgraded.catch(() => {});
      throw new UpgradeError({ ...failure, returnedPromise: true });
    }
    // Checked at every step, not only the last: the next step is typed for this version's jobs, and a failure names its step.
    const next = validators[version + 1 - oldest]!;
    if (!next(upgraded)) throw new UpgradeError({ ...failure, issues: lastIssues(next) });
  }
  return upgraded;
}

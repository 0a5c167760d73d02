/**
 * Why a message of another schema version could not become a job of the
 * queue's current version, when a later attempt (or another worker) may
 * succeed: a worker fails the attempt, as when a handler throws, so the
 * message is retried after the queue's backoff and dead-lettered only when
 * its attempts run out. (A message that does not match its own version's
 * schema is a `DecodeError`: no retry can fix it.)
 */
import { describeIssues } from "./errors.js";
import { VERSION_HEADER } from "./messageVersion.js";
import { upgradeStepName } from "./queueVersions.js";
import type { ValidationIssue } from "./types.js";
import { describeError } from "./worker/failureReason.js";

/** Where an upgrade failed. */
export interface UpgradeFailure {
  readonly queue: string;
  /** The version the message is stamped with (or, unstamped, the first older schema it matched). */
  readonly fromVersion: number;
  /** The queue's current version, which the upgrades lead to. */
  readonly toVersion: number;
  /** The version the failing step upgrades from: 2 for `from2` (version 2 to 3). */
  readonly stepVersion: number;
  /** The schema failures of the step's result; empty when the step threw (see `cause`). */
  readonly issues?: readonly ValidationIssue[];
  /** The step returned a Promise (an async step), which decoding cannot wait for. */
  readonly returnedPromise?: boolean;
}

/**
 * An upgrade step (`upgrades.from<N>`) threw, or returned a job the next
 * version's schema rejects. The message names the step and why; fix the
 * upgrade and redeploy the workers while the message is retried (it is
 * dead-lettered, with this message as the reason, when its attempts run out).
 */
export class UpgradeError extends Error {
  override readonly name = "UpgradeError";
  readonly queue: string;
  /** The PGMQ message id, when known. */
  readonly msgId: bigint | undefined;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** The step that failed: `from<N>`, turning a version-N job into a version N + 1 one. */
  readonly step: string;
  /** Schema failures of the step's result (against version N + 1's schema); empty when the step threw. */
  readonly issues: readonly ValidationIssue[];
  readonly #stepVersion: number;
  readonly #returnedPromise: boolean;

  constructor(failure: UpgradeFailure, options?: { msgId?: bigint | undefined; cause?: unknown }) {
    const where = options?.msgId !== undefined ? `${failure.queue} message ${options.msgId}` : failure.queue;
    const issues = failure.issues ?? [];
    const { stepVersion } = failure;
    const why = failure.returnedPromise
      ? "it returned a Promise: an upgrade step must be synchronous (not an async function), returning the job itself"
      : issues.length > 0
        ? `its result does not match version ${stepVersion + 1}'s schema: ${describeIssues(issues)}`
        : `it threw: ${describeError(options?.cause)}`;
    super(
      `${where}: upgrading the message from version ${failure.fromVersion} to ${failure.toVersion} failed at ` +
        `upgrades.${upgradeStepName(stepVersion)} (version ${stepVersion} to ${stepVersion + 1}): ${why}. Fix the upgrade and ` +
        "redeploy the workers: the message is retried until its attempts run out",
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.queue = failure.queue;
    this.msgId = options?.msgId;
    this.fromVersion = failure.fromVersion;
    this.toVersion = failure.toVersion;
    this.step = upgradeStepName(stepVersion);
    this.issues = issues;
    this.#stepVersion = stepVersion;
    this.#returnedPromise = failure.returnedPromise === true;
  }

  /** The same error, now naming the message it came from. */
  withMsgId(msgId: bigint): UpgradeError {
    const { queue, fromVersion, toVersion, issues } = this;
    const failure = {
      queue,
      fromVersion,
      toVersion,
      stepVersion: this.#stepVersion,
      issues,
      returnedPromise: this.#returnedPromise,
    };
    return new UpgradeError(failure, { msgId, cause: this.cause });
  }
}

/**
 * A message is stamped with a version newer than the worker's, and the
 * worker's schema rejects it: its producer was deployed before the workers.
 * Retried, so that a worker at the newer version can take it; deploy the
 * workers first (a worker decodes older versions, never newer ones).
 */
export class NewerVersionError extends Error {
  override readonly name = "NewerVersionError";
  readonly queue: string;
  /** The PGMQ message id, when known. */
  readonly msgId: bigint | undefined;
  /** The version the message is stamped with. */
  readonly version: number;
  /** The worker's (the codec's) version. */
  readonly workerVersion: number;
  /** Why the worker's schema rejects the message. */
  readonly issues: readonly ValidationIssue[];

  constructor(
    details: { queue: string; version: number; workerVersion: number; issues: readonly ValidationIssue[] },
    options?: { msgId?: bigint | undefined },
  ) {
    const where = options?.msgId !== undefined ? `${details.queue} message ${options.msgId}` : details.queue;
    super(
      `${where}: stamped version ${details.version} (header ${VERSION_HEADER}) is newer than this worker's version ` +
        `${details.workerVersion}, and version ${details.workerVersion}'s schema rejects it: ` +
        `${describeIssues(details.issues)}. Deploy the workers first: the message is retried, so a worker at ` +
        `version ${details.version} can take it`,
    );
    this.queue = details.queue;
    this.msgId = options?.msgId;
    this.version = details.version;
    this.workerVersion = details.workerVersion;
    this.issues = details.issues;
  }

  /** The same error, now naming the message it came from. */
  withMsgId(msgId: bigint): NewerVersionError {
    const { queue, version, workerVersion, issues } = this;
    return new NewerVersionError({ queue, version, workerVersion, issues }, { msgId });
  }
}

/**
 * A queue's schema versions as `createQueueCodec` is given them (`version`,
 * `previousVersions`, `upgrades`), checked once, when the codec is created,
 * and laid out for decoding (versionedDecode.ts): a codec whose options do
 * not add up fails where the application starts, not on the first old
 * message a worker reads.
 */
import { isVersionNumber } from "./messageVersion.js";
import type { CompiledValidator } from "./types.js";

/** One upgrade step as the runtime calls it: a job of version N in, a job of version N + 1 out. */
export type UpgradeStepFunction = (job: unknown) => unknown;

/** The versions a codec decodes, from the oldest kept to the current one. */
export interface QueueVersions {
  readonly queue: string;
  /** The queue's version: what producers stamp and handlers receive. */
  readonly current: number;
  /** The oldest version still decoded; `current` when the queue keeps no previous version. */
  readonly oldest: number;
  /** The validator of version `oldest + i` at index i; the current schema's last. */
  readonly validators: readonly CompiledValidator[];
  /** Step `from<oldest + i>` at index i, called on the upgrades object it came from. */
  readonly steps: readonly UpgradeStepFunction[];
}

/** The version options of `createQueueCodec`, as given (typed loosely: JavaScript callers may pass anything). */
export interface VersionOptions {
  readonly queue: string;
  readonly validator: CompiledValidator;
  readonly version?: unknown;
  readonly previousVersions?: unknown;
  readonly upgrades?: unknown;
}

/** The name of the step that upgrades a job of `version` to the next version: `from1` gives version 2. */
export function upgradeStepName(version: number): string {
  return `from${version}`;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  return value === null || typeof value !== "object" ? String(value) : "an object";
}

/**
 * Checks the version options and lays them out; throws an Error naming the
 * queue and what to fix when they do not add up: a version that is not a
 * positive integer, previous versions not below `version`, repeated, or
 * with a gap up to `version - 1`, a validator that is not a function, and
 * upgrades missing (or not a function) for a step from the oldest previous
 * version up.
 */
export function resolveQueueVersions(options: VersionOptions): QueueVersions {
  const { queue, validator } = options;
  function fail(problem: string): never {
    throw new Error(`createQueueCodec: queue "${queue}": ${problem}`);
  }
  const current = options.version ?? 1;
  if (!isVersionNumber(current)) fail(`version must be a positive integer, got ${describe(current)}`);
  const previousVersions = options.previousVersions ?? [];
  if (!Array.isArray(previousVersions)) {
    fail(`previousVersions must be an array of { version, validator }, got ${describe(previousVersions)}`);
  }
  const previous = new Map<number, CompiledValidator>();
  for (const [index, entry] of (previousVersions as readonly unknown[]).entries()) {
    const at = `previousVersions[${index}]`;
    if (typeof entry !== "object" || entry === null) {
      fail(`${at} must be { version, validator }, got ${describe(entry)}`);
    }
    const { version, validator: previousValidator } = entry as { version?: unknown; validator?: unknown };
    if (!isVersionNumber(version)) fail(`${at}.version must be a positive integer, got ${describe(version)}`);
    if (version >= current) {
      fail(`${at}.version is ${version}, not below the queue's version ${current}: list only the older versions`);
    }
    if (previous.has(version)) fail(`${at}.version ${version} is listed twice in previousVersions`);
    if (typeof previousValidator !== "function") {
      fail(`${at}.validator (version ${version}) must be a validator function, got ${describe(previousValidator)}`);
    }
    previous.set(version, previousValidator as CompiledValidator);
  }
  const oldest = previous.size === 0 ? current : Math.min(...previous.keys());
  for (let version = oldest; version < current; version++) {
    if (!previous.has(version)) {
      fail(
        `previousVersions has ${oldest} but not ${version}: keep every version from the oldest one still ` +
          `accepted up to ${current - 1}, so each old message has a schema and an upgrade for every step`,
      );
    }
  }
  const { upgrades } = options;
  const isObject = (typeof upgrades === "object" && upgrades !== null) || typeof upgrades === "function";
  if (previous.size === 0) {
    // Steps left over from retired versions are harmless; only a value that cannot hold steps is a mistake.
    if (upgrades !== undefined && !isObject) {
      fail(`upgrades must be an object of from<N> functions, got ${describe(upgrades)}`);
    }
    return { queue, current, oldest, validators: [validator], steps: [] };
  }
  if (!isObject) {
    fail(
      `upgrades is required with previousVersions (${upgradeStepName(oldest)} to ${upgradeStepName(current - 1)}), ` +
        `got ${describe(upgrades)}`,
    );
  }
  const steps: UpgradeStepFunction[] = [];
  const validators: CompiledValidator[] = [];
  for (let version = oldest; version < current; version++) {
    const name = upgradeStepName(version);
    const step: unknown = (upgrades as Record<string, unknown>)[name];
    if (typeof step !== "function") {
      fail(
        `upgrades.${name} (version ${version} to ${version + 1}) must be a function, got ${describe(step)}: ` +
          `upgrades needs one step from${oldest} to from${current - 1}`,
      );
    }
    // Called as a method: an upgrades object (or class instance) may use `this`.
    steps.push((job) => step.call(upgrades, job));
    validators.push(previous.get(version)!);
  }
  validators.push(validator);
  return { queue, current, oldest, validators, steps };
}

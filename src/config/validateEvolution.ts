/**
 * The rules for a queue's schema-evolution options (`compatibility`,
 * `version`, `previous`, `upgrade`; issue 14): each checked on its own, and
 * then together, so every mistake is reported in one round.
 */
import { type ConfigIssues, isRecord } from "./configIssues.js";

export const COMPATIBILITY_MODES = ["backward", "forward", "full", "none"] as const;

/** Versions are stamped into headers as JSON numbers and compared as integers: keep them exact. */
const MAX_VERSION = 2 ** 31 - 1;

function isVersion(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_VERSION;
}

/** A `previous` key as written: `1`, not `"01"`, `"1.0"` or `"one"` (object keys are strings). */
function versionKey(key: string): number | null {
  const version = Number(key);
  return isVersion(version) && String(version) === key ? version : null;
}

export function validateQueueEvolution(key: string, queue: Record<string, unknown>, issues: ConfigIssues): void {
  const at = (option: string) => ({ option: `queues.${key}.${option}`, queue: key });
  const { compatibility, version, previous, upgrade } = queue;

  if (compatibility !== undefined && !(COMPATIBILITY_MODES as readonly unknown[]).includes(compatibility)) {
    issues.expected('"backward", "forward", "full" or "none"', compatibility, at("compatibility"));
  }
  const versionIsValid = version === undefined || isVersion(version);
  if (!versionIsValid) issues.expected(`a whole number from 1 to ${MAX_VERSION}`, version, at("version"));
  const current = versionIsValid ? ((version as number | undefined) ?? 1) : null;

  const previousVersions: number[] = [];
  if (previous !== undefined) {
    if (!isRecord(previous)) {
      issues.expected(
        'an object of older schemas keyed by version, such as { 1: "email.v1.schema.json" }',
        previous,
        at("previous"),
      );
    } else {
      for (const [versionText, schema] of Object.entries(previous)) {
        const olderVersion = versionKey(versionText);
        if (olderVersion === null) {
          issues.add(
            `expected a version number (1, 2, ...) as the key, got ${JSON.stringify(versionText)}`,
            at(`previous.${versionText}`),
          );
          continue;
        }
        if (current !== null && olderVersion >= current) {
          issues.add(
            `version ${olderVersion} is not older than the queue's version ${current}: previous holds only older versions (bump version first)`,
            at(`previous.${versionText}`),
          );
          continue;
        }
        if (!(typeof schema === "string" && schema.length > 0) && !isRecord(schema)) {
          issues.expected(
            "a schema file name (relative to schemasDir) or an inline JSON Schema object",
            schema,
            at(`previous.${versionText}`),
          );
          continue;
        }
        previousVersions.push(olderVersion);
      }
    }
  }

  // Every version from the oldest kept to the current one can be upgraded step by step: no gap.
  if (current !== null && previousVersions.length > 0) {
    const oldest = Math.min(...previousVersions);
    const missing: number[] = [];
    for (let olderVersion = oldest; olderVersion < current; olderVersion++) {
      if (!previousVersions.includes(olderVersion)) missing.push(olderVersion);
    }
    if (missing.length > 0) {
      issues.add(
        `previous has version ${oldest} but not ${missing.join(", ")}: a message of version ${oldest} is upgraded one ` +
          `version at a time, so every version from ${oldest} to ${current - 1} must be kept (retire the oldest first)`,
        at("previous"),
      );
    }
  }

  if (upgrade !== undefined && !(typeof upgrade === "string" && upgrade.length > 0)) {
    issues.expected(
      "a module path relative to the config file, whose default export upgrades older jobs",
      upgrade,
      at("upgrade"),
    );
  } else if (upgrade === undefined && previousVersions.length > 0) {
    issues.add(
      `missing option: a queue with previous versions needs an upgrade module (upgrade: "./upgrades/${key}.ts") ` +
        `whose default export has ${previousVersions
          .sort((a, b) => a - b)
          .map((olderVersion) => `from${olderVersion}`)
          .join(", ")}`,
      at("upgrade"),
    );
  } else if (upgrade !== undefined && previous === undefined) {
    issues.add(
      "an upgrade module without previous versions has nothing to upgrade: add previous, or remove upgrade",
      at("upgrade"),
    );
  }
}

/**
 * What a queue's schema versions (config `version`, `previous` and `upgrade`,
 * issue 14 §3) add to its module: the older versions' job types and
 * validators, the `<Queue>Upgrades` interface the user's upgrade module must
 * satisfy, and the codec's version options. A queue without previous
 * versions gets none of it, but `version: N` for a version above 1, so its
 * producers stamp the right version.
 */
import type { QueueModel } from "../model/types.js";
import { describeVersions } from "./queueDocs.js";
import { LINE_WIDTH } from "./sourceFiles.js";
import type { TemplateValues } from "./templates.js";

/** The names a versioned queue's module declares: `SignupEmailUpgrades`, `signupEmailUpgrades`, `signupEmailUpgradeSteps`. */
function upgradeNames(queue: QueueModel): { upgrades: string; upgradesConstant: string; upgradeSteps: string } {
  const camel = queue.names.codec.replace(/Codec$/, "");
  return {
    upgrades: `${queue.names.pascal}Upgrades`,
    upgradesConstant: `${camel}Upgrades`,
    upgradeSteps: `${camel}UpgradeSteps`,
  };
}

/**
 * The codec's `previousVersions` option, laid out as Biome lays it out: on
 * one line when it is one version and fits, else one version a line (an
 * array of several objects with two properties each is always broken).
 */
function previousVersionsOption(queue: QueueModel): string {
  const items = queue.previousVersions.map(
    (previous) => `{ version: ${previous.version}, validator: ${previous.names.validator} }`,
  );
  const oneLine = `previousVersions: [${items.join(", ")}],`;
  // Written at the codec's indentation of two spaces.
  if (items.length === 1 && 2 + oneLine.length <= LINE_WIDTH) return oneLine;
  return ["previousVersions: [", ...items.map((item) => `  ${item},`), "],"].join("\n");
}

/** The template values of the queue's versions (see templates/queue.ts.template). */
export function queueVersionValues(queue: QueueModel): TemplateValues {
  const { previousVersions, upgradeImport, upgradeFile } = queue;
  const upgradable = previousVersions.length > 0;
  if (upgradable && (upgradeImport === null || upgradeFile === null)) {
    throw new Error(`queue ${queue.key} has previous versions but no upgrade module: the model should have refused it`);
  }
  const versions = previousVersions.map((previous) => previous.version);
  return {
    ...upgradeNames(queue),
    upgradable,
    currentOnly: !upgradable,
    versioned: queue.version > 1,
    version: String(queue.version),
    olderVersions: upgradable ? describeVersions(versions) : "",
    olderVersionOr: upgradable ? describeVersions(versions, "or") : "",
    upgradeImport: JSON.stringify(upgradeImport ?? "").slice(1, -1),
    upgradeFile: upgradeFile ?? "",
    previousVersionsOption: upgradable ? previousVersionsOption(queue) : "",
    previousVersions: previousVersions.map((previous) => ({
      versionJob: previous.names.job,
      versionValidator: previous.names.validator,
      versionFile: previous.names.file,
    })),
    steps: previousVersions.map((previous, index) => ({
      step: `from${previous.version}`,
      from: String(previous.version),
      to: String(previous.version + 1),
      fromJob: previous.names.job,
      toJob: previousVersions[index + 1]?.names.job ?? queue.names.job,
    })),
  };
}

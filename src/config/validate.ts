/**
 * Checks a loaded config against the rules the model and PGMQ rely on,
 * collecting every problem before throwing, so nothing is written for a
 * config with mistakes and the user fixes them all in one round.
 */
import path from "node:path";
import { isQueueName, pascalQueueName, QUEUE_NAME_RULE } from "@pgmq-gen/runtime/contract";
import type { PgmqGenConfig } from "./types.js";
import { ConfigIssues, describeValue, isRecord } from "./configIssues.js";
import { CONFIG_DEFAULTS } from "./defaults.js";
import { validateQueue } from "./validateQueue.js";

export const TOP_LEVEL_OPTIONS = [
  "queues",
  "schemasDir",
  "outDir",
  "runtimeImport",
  "allowSchemasOutsideProject",
  "unsafePatterns",
] as const;

/** The defaults of `schemasDir` and `outDir` (see `PgmqGenConfig`), needed to compare the folders. */

export interface ValidateConfigOptions {
  /** The config file as errors show it. (Default: `configFilePath` relative to the current directory) */
  displayPath?: string;
}

/**
 * Returns `config` typed as `PgmqGenConfig` when it follows every rule;
 * otherwise throws `CompileErrors` listing each problem.
 *
 * @param configFilePath absolute path of the config file; folders are resolved from its directory.
 */
export function validateConfig(
  config: unknown,
  configFilePath: string,
  options: ValidateConfigOptions = {},
): PgmqGenConfig {
  const issues = new ConfigIssues(options.displayPath ?? path.relative(process.cwd(), configFilePath));
  if (!isRecord(config)) {
    issues.add(
      `expected the config object as the default export (export default defineConfig({ queues: { ... } })), got ${describeValue(config)}`,
    );
    issues.throwIfAny();
    return config as never;
  }
  issues.unknownKeys(config, TOP_LEVEL_OPTIONS, { prefix: "" });
  validateFolders(config, path.dirname(configFilePath), issues);
  if (
    config.runtimeImport !== undefined &&
    !(typeof config.runtimeImport === "string" && config.runtimeImport.length > 0)
  ) {
    issues.expected('a module specifier such as "@pgmq-gen/runtime"', config.runtimeImport, {
      option: "runtimeImport",
    });
  }
  if (config.allowSchemasOutsideProject !== undefined && typeof config.allowSchemasOutsideProject !== "boolean") {
    issues.expected("true or false", config.allowSchemasOutsideProject, { option: "allowSchemasOutsideProject" });
  }
  const { unsafePatterns } = config;
  if (
    unsafePatterns !== undefined &&
    unsafePatterns !== "warn" &&
    unsafePatterns !== "error" &&
    unsafePatterns !== "off"
  ) {
    issues.expected('"warn", "error" or "off"', unsafePatterns, { option: "unsafePatterns" });
  }
  validateQueues(config.queues, issues);
  issues.throwIfAny();
  return config as unknown as PgmqGenConfig;
}

function validateQueues(queues: unknown, issues: ConfigIssues): void {
  if (!isRecord(queues) || Object.keys(queues).length === 0) {
    issues.expected(
      'a non-empty object of queues keyed by queue name, such as { email: { schema: "email.schema.json" } }',
      queues,
      {
        option: "queues",
      },
    );
    return;
  }
  // Two keys that differ only in underscores would generate the same identifiers.
  const keysByIdentifier = new Map<string, string>();
  for (const [key, queue] of Object.entries(queues)) {
    if (!isQueueName(key)) {
      issues.add(`invalid queue name ${JSON.stringify(key)}: expected ${QUEUE_NAME_RULE}`, {
        option: `queues.${key}`,
        queue: key,
      });
    } else {
      const identifier = pascalQueueName(key);
      const earlier = keysByIdentifier.get(identifier);
      if (earlier !== undefined) {
        issues.add(
          `queue names "${earlier}" and "${key}" both become the identifier ${identifier} in generated code; rename one of them`,
          { option: `queues.${key}`, queue: key },
        );
      } else {
        keysByIdentifier.set(identifier, key);
      }
    }
    // Options are checked under an invalid name too, so a renamed queue has no second round of errors.
    validateQueue(key, queue, issues);
  }
}

function validateFolders(config: Record<string, unknown>, configDir: string, issues: ConfigIssues): void {
  const { schemasDir, outDir } = config;
  const schemasDirIsValid = schemasDir === undefined || (typeof schemasDir === "string" && schemasDir.length > 0);
  const outDirIsValid = outDir === undefined || (typeof outDir === "string" && outDir.length > 0);
  if (!schemasDirIsValid)
    issues.expected("a folder path relative to the config file", schemasDir, { option: "schemasDir" });
  if (!outDirIsValid) issues.expected("a folder path relative to the config file", outDir, { option: "outDir" });
  if (!outDirIsValid) return;

  const outPath = path.resolve(configDir, (outDir as string | undefined) ?? CONFIG_DEFAULTS.outDir);
  const relativeToConfigDir = path.relative(outPath, configDir);
  // The writer removes stale generated files under outDir; it must never own the project's own folder.
  if (relativeToConfigDir === "" || !(relativeToConfigDir.startsWith("..") || path.isAbsolute(relativeToConfigDir))) {
    issues.add(
      `outDir ${JSON.stringify(outDir)} is the config file's folder or contains it; expected a folder of its own such as "generated"`,
      { option: "outDir" },
    );
    return;
  }
  if (
    schemasDirIsValid &&
    outPath === path.resolve(configDir, (schemasDir as string | undefined) ?? CONFIG_DEFAULTS.schemasDir)
  ) {
    issues.add(
      `outDir ${JSON.stringify(outDir ?? CONFIG_DEFAULTS.outDir)} is the schemas folder; expected a separate folder such as "generated"`,
      { option: "outDir" },
    );
  }
}

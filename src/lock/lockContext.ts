/** Where the lock check is: the lock file, and the files and folders its messages name. */
import path from "node:path";
import { CONFIG_DEFAULTS } from "../config/defaults.js";
import type { PgmqGenConfig } from "../config/types.js";
import { LOCK_FILE_NAME } from "./types.js";

export interface LockContext {
  /** Absolute path of the lock file: beside the config file. */
  readonly lockPath: string;
  /** The lock file as errors name it (`pgmq.lock.json`: relative to the config file's folder, as schema files are). */
  readonly lockFile: string;
  /** The config file as errors about its options name it (`pgmq.config.ts`). */
  readonly configFile: string;
  /** Absolute folder of the config file: paths in messages are relative to it. */
  readonly rootDir: string;
  /** Absolute schemasDir: `previous` file names are relative to it. */
  readonly schemasDir: string;
}

export function lockContext(config: PgmqGenConfig, configFilePath: string): LockContext {
  const rootDir = path.dirname(path.resolve(configFilePath));
  return {
    lockPath: path.join(rootDir, LOCK_FILE_NAME),
    lockFile: LOCK_FILE_NAME,
    configFile: path.basename(configFilePath),
    rootDir,
    schemasDir: path.resolve(rootDir, config.schemasDir ?? CONFIG_DEFAULTS.schemasDir),
  };
}

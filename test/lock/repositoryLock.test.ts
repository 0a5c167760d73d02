/**
 * The repository's own example (pgmq.config.ts at the root) commits its
 * pgmq.lock.json, as a team would: it must be what a run records today.
 * Checked from the model, so the test writes nothing into the repository.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { validateConfig } from "../../src/config/validate.js";
import { lockContext } from "../../src/lock/lockContext.js";
import { parseLockFile } from "../../src/lock/lockFormat.js";
import { updateLock } from "../../src/lock/updateLock.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { packageRoot } from "../model/schemaProject.js";

describe("the checked-in pgmq.lock.json", () => {
  it("issue 14 #2: is byte for byte what pgmq.config.ts records, with nothing to refuse (if not: run npx pgmq-gen and commit it)", async () => {
    const loaded = await loadConfig({ cwd: packageRoot, configPath: "pgmq.config.ts" });
    const config = validateConfig(loaded.config, loaded.filePath, { displayPath: loaded.displayPath });
    const context = lockContext(config, loaded.filePath);
    expect(context.lockPath).toBe(path.join(packageRoot, "pgmq.lock.json"));
    const text = await readFile(context.lockPath, "utf8");
    const update = updateLock(
      await buildProjectModel(config, loaded.filePath),
      parseLockFile(text, "pgmq.lock.json"),
      context,
    );
    expect(update.errors).toEqual([]);
    expect(update.text).toBe(text);
  });
});

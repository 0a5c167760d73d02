/**
 * Turns the model into the files of outDir: per queue `<file>.ts` and
 * `<file>.validator.ts`, plus `index.ts`. Output depends on the model only,
 * and the model is sorted, so the same input gives the same bytes anywhere.
 */
import { withStackGuardSync } from "../model/stackOverflow.js";
import type { ProjectModel } from "../model/types.js";
import { emitIndexModule } from "./indexModule.js";
import { emitAllPayloadTypes } from "./payloadTypes.js";
import { emitQueueModule } from "./queueModule.js";
import type { GeneratedFile } from "./types.js";
import { emitValidatorModule } from "./validatorModule.js";

export async function emitProject(model: ProjectModel): Promise<GeneratedFile[]> {
  const { configFile, runtimeImport } = model;
  // Types first, all formatted together: json-schema-to-typescript is async (prettier); the rest is synchronous.
  const payloadTypes = await emitAllPayloadTypes(model.queues, configFile);

  const files: GeneratedFile[] = [];
  model.queues.forEach((queue, index) => {
    const location = { file: queue.schemaFile ?? configFile, queue: queue.key };
    files.push({
      path: `${queue.names.file}.ts`,
      contents: withStackGuardSync(location, "generating the queue module", () =>
        emitQueueModule({ queue, payloadTypes: payloadTypes[index]!, runtimeImport, configFile }),
      ),
    });
    files.push({
      path: `${queue.names.file}.validator.ts`,
      contents: withStackGuardSync(location, "generating the validator", () =>
        emitValidatorModule(queue, runtimeImport, configFile),
      ),
    });
  });
  files.push({ path: "index.ts", contents: emitIndexModule(model) });

  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Turns the model into the files of outDir: per queue `<file>.ts` and
 * `<file>.validator.ts`, plus `index.ts`. Output depends on the model only,
 * and the model is sorted, so the same input gives the same bytes anywhere.
 */
import { type ArtifactMemo, NO_MEMO } from "../model/artifactMemo.js";
import { withStackGuardSync } from "../model/stackOverflow.js";
import type { ProjectModel } from "../model/types.js";
import { emitIndexModule } from "./indexModule.js";
import { emitAllPayloadTypes } from "./payloadTypes.js";
import { emitQueueModule } from "./queueModule.js";
import type { GeneratedFile } from "./types.js";
import { emitValidatorModule } from "./validatorModule.js";

export async function emitProject(model: ProjectModel, cache: ArtifactMemo = NO_MEMO): Promise<GeneratedFile[]> {
  const { configFile, runtimeImport } = model;
  // Types are written here (all formatted together) while the compiler threads finish the validators; the rest is synchronous.
  const [payloadTypes, validators] = await Promise.all([
    emitAllPayloadTypes(model.queues, configFile, cache),
    Promise.all(model.queues.map((queue) => queue.validatorSource)),
  ]);

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
        emitValidatorModule(queue, validators[index]!, runtimeImport, configFile),
      ),
    });
  });
  files.push({ path: "index.ts", contents: emitIndexModule(model) });

  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

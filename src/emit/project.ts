/**
 * Turns the model into the files of outDir: per queue `<file>.ts` and
 * `<file>.validator.ts`, plus `index.ts`. Output depends on the model only,
 * and the model is sorted, so the same input gives the same bytes anywhere.
 */
import type { ProjectModel } from "../model/types.js";
import { emitIndexModule } from "./indexModule.js";
import { emitPayloadTypes } from "./payloadTypes.js";
import { emitQueueModule } from "./queueModule.js";
import { createEmitProject, printMachineModule } from "./sourceFiles.js";
import type { GeneratedFile } from "./types.js";
import { emitValidatorModule } from "./validatorModule.js";

export async function emitProject(model: ProjectModel): Promise<GeneratedFile[]> {
  const project = createEmitProject();
  const { configFile, runtimeImport } = model;
  // Types first, concurrently: json-schema-to-typescript is async (prettier); the rest is synchronous.
  const payloadTypes = await Promise.all(model.queues.map((queue) => emitPayloadTypes(queue, configFile)));

  const files: GeneratedFile[] = [];
  model.queues.forEach((queue, index) => {
    files.push({
      path: `${queue.names.file}.ts`,
      contents: emitQueueModule(project, { queue, payloadTypes: payloadTypes[index]!, runtimeImport, configFile }),
    });
    files.push({
      path: `${queue.names.file}.validator.ts`,
      contents: printMachineModule(emitValidatorModule(queue, runtimeImport, configFile), configFile),
    });
  });
  files.push({ path: "index.ts", contents: emitIndexModule(project, model) });

  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

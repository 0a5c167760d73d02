/**
 * Turns the model into the files of outDir: per queue `<file>.ts`, per
 * distinct schema `<file>.validator.ts` (named for the first queue using it,
 * see sharedSchemas.ts), plus `index.ts`. Output depends on the model only,
 * and the model is sorted, so the same input gives the same bytes anywhere.
 */
import { type ArtifactMemo, NO_MEMO } from "../model/artifactMemo.js";
import { withStackGuard, withStackGuardSync } from "../model/stackOverflow.js";
import type { ProjectModel } from "../model/types.js";
import { emitIndexModule } from "./indexModule.js";
import { emitAllPayloadTypes } from "./payloadTypes.js";
import { emitQueueModule } from "./queueModule.js";
import { schemaOwners } from "./sharedSchemas.js";
import type { GeneratedFile } from "./types.js";
import { emitValidatorModule } from "./validatorModule.js";

export async function emitProject(model: ProjectModel, cache: ArtifactMemo = NO_MEMO): Promise<GeneratedFile[]> {
  const { configFile, runtimeImport } = model;
  const owners = schemaOwners(model.queues);
  const ownerQueues = model.queues.filter((queue) => owners.get(queue) === queue);
  // Types are written here (all formatted together) while the compiler threads finish the validators; the rest is synchronous.
  const [payloadTypes, validators] = await Promise.all([
    emitAllPayloadTypes(ownerQueues, configFile, cache),
    Promise.all(ownerQueues.map((queue) => queue.validatorSource)),
  ]);
  const ownedTypes = new Map(ownerQueues.map((queue, index) => [queue, payloadTypes[index]!]));

  const files: GeneratedFile[] = [];
  for (const queue of model.queues) {
    const location = { file: queue.schemaFile ?? configFile, queue: queue.key };
    const schemaOwner = owners.get(queue)!;
    files.push({
      path: `${queue.names.file}.ts`,
      contents: withStackGuardSync(location, "generating the queue module", () =>
        emitQueueModule({ queue, schemaOwner, payloadTypes: ownedTypes.get(queue) ?? null, runtimeImport, configFile }),
      ),
    });
  }
  const validatorModules = await Promise.all(
    ownerQueues.map((queue, index) =>
      withStackGuard({ file: queue.schemaFile ?? configFile, queue: queue.key }, "generating the validator", () =>
        emitValidatorModule(queue, validators[index]!, runtimeImport, configFile, cache),
      ),
    ),
  );
  ownerQueues.forEach((queue, index) => {
    files.push({ path: `${queue.names.file}.validator.ts`, contents: validatorModules[index]! });
  });
  files.push({ path: "index.ts", contents: emitIndexModule(model) });

  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Turns the model into the files of outDir: per queue `<file>.ts`, per
 * distinct schema `<file>.validator.ts` (named for the first queue using it,
 * see sharedSchemas.ts), per older version a queue keeps `<file>.v<N>.ts` and
 * `<file>.v<N>.validator.ts`, plus `index.ts`. Output depends on the model
 * only, and the model is sorted, so the same input gives the same bytes
 * anywhere.
 */
import { type ArtifactMemo, NO_MEMO } from "../model/artifactMemo.js";
import { withStackGuard, withStackGuardSync } from "../model/stackOverflow.js";
import type { PreviousVersionModel, ProjectModel, QueueModel } from "../model/types.js";
import type { ValidatorSourceOutcome } from "../model/validatorSource.js";
import { emitIndexModule } from "./indexModule.js";
import { emitAllPayloadTypes, previousVersionPayload, queuePayload } from "./payloadTypes.js";
import { emitPreviousVersionModule } from "./previousVersionModule.js";
import { emitQueueModule } from "./queueModule.js";
import { schemaOwners } from "./sharedSchemas.js";
import type { GeneratedFile } from "./types.js";
import {
  emitValidatorModule,
  previousVersionValidator,
  queueValidator,
  type ValidatorTarget,
} from "./validatorModule.js";

/** One older version of one queue. */
interface QueueVersion {
  readonly queue: QueueModel;
  readonly previous: PreviousVersionModel;
}

/** A validator module to write: its names, and ajv's source for its schema. */
interface ValidatorJob {
  readonly target: ValidatorTarget;
  readonly source: Promise<ValidatorSourceOutcome>;
}

export async function emitProject(model: ProjectModel, cache: ArtifactMemo = NO_MEMO): Promise<GeneratedFile[]> {
  const { configFile, runtimeImport } = model;
  const owners = schemaOwners(model.queues);
  const ownerQueues = model.queues.filter((queue) => owners.get(queue) === queue);
  const versions: QueueVersion[] = model.queues.flatMap((queue) =>
    queue.previousVersions.map((previous) => ({ queue, previous })),
  );
  const validatorJobs: ValidatorJob[] = [
    ...ownerQueues.map((queue) => ({ target: queueValidator(queue), source: queue.validatorSource })),
    ...versions.map(({ queue, previous }) => ({
      target: previousVersionValidator(queue, previous),
      source: previous.validatorSource,
    })),
  ];
  // Types are written here (all formatted together) while the compiler threads finish the validators; the rest is synchronous.
  const [payloadTypes, validators] = await Promise.all([
    emitAllPayloadTypes(
      [
        ...ownerQueues.map(queuePayload),
        ...versions.map(({ queue, previous }) => previousVersionPayload(queue, previous)),
      ],
      configFile,
      cache,
    ),
    Promise.all(validatorJobs.map((job) => job.source)),
  ]);
  const ownedTypes = new Map(ownerQueues.map((queue, index) => [queue, payloadTypes[index]!]));
  const versionTypes = payloadTypes.slice(ownerQueues.length);

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
  versions.forEach(({ previous }, index) => {
    files.push({
      path: `${previous.names.file}.ts`,
      contents: emitPreviousVersionModule(versionTypes[index]!, configFile),
    });
  });
  const validatorModules = await Promise.all(
    validatorJobs.map(({ target }, index) =>
      withStackGuard({ file: target.schemaFile ?? configFile, queue: target.queue }, "generating the validator", () =>
        emitValidatorModule(target, validators[index]!, runtimeImport, configFile, cache),
      ),
    ),
  );
  validatorJobs.forEach(({ target }, index) => {
    files.push({ path: `${target.file}.validator.ts`, contents: validatorModules[index]! });
  });
  files.push({ path: "index.ts", contents: emitIndexModule(model) });

  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

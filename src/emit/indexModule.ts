/**
 * `index.ts`: re-exports every queue module and adds what spans queues: the
 * definitions registry, the `Handlers` map and a typed `createWorker`.
 * templates/index.ts.template holds the module's code and doc comments; this
 * file computes the values it is filled with.
 */
import type { ProjectModel } from "../model/types.js";
import { bannerLine } from "./banner.js";
import { finishModule } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";

/** `text` as the inside of a template literal type: only a backslash, a backtick and `${` are special there. */
function templateLiteralText(text: string): string {
  return text.replace(/[\\`]|\$\{/g, (special) => `\\${special}`);
}

export function emitIndexModule(model: ProjectModel): string {
  const { queues } = model;
  const text = fillTemplate("index.ts.template", {
    banner: bannerLine(model.configFile),
    runtimeImport: JSON.stringify(model.runtimeImport).slice(1, -1),
    // Queue keys are identifiers (the config's rule), so each is written bare as a property name.
    queues: queues.map((queue) => ({
      queue: queue.key,
      file: queue.names.file,
      definition: queue.names.definition,
      handler: queue.names.handler,
    })),
    configFile: templateLiteralText(model.configFile),
    queueList: templateLiteralText(queues.map((queue) => queue.key).join(", ")),
    exampleQueue: queues[0]?.key ?? "queue",
  });
  return finishModule(text);
}

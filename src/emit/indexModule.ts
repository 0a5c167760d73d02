/**
 * `index.ts`: re-exports every queue module and adds what spans queues: the
 * definitions registry, the `Handlers` map and a typed `createWorker`.
 */
import { VariableDeclarationKind, type Project } from "ts-morph";
import type { ProjectModel } from "../model/types.js";
import { finishSourceFile } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function emitIndexModule(project: Project, model: ProjectModel): string {
  const file = project.createSourceFile("index.ts", "", { overwrite: true });
  const { queues } = model;

  // One insertion per kind, not one per queue: ts-morph re-parses the file after each, which is quadratic in queues.
  file.addExportDeclarations(queues.map((queue) => ({ moduleSpecifier: `./${queue.names.file}.js` })));
  file.addImportDeclarations(
    queues.map((queue) => ({
      moduleSpecifier: `./${queue.names.file}.js`,
      namedImports: [
        { name: queue.names.definition },
        { name: queue.names.handler, isTypeOnly: true },
        { name: `${queue.names.handler}Function`, isTypeOnly: true },
      ],
    })),
  );
  file.addImportDeclaration({
    moduleSpecifier: model.runtimeImport,
    namedImports: [{ name: "createQueueWorker" }, { name: "Worker", isTypeOnly: true }, { name: "WorkerOptions", isTypeOnly: true }],
  });

  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [fillTemplate("queue-definitions.md", {})],
    declarations: [
      {
        name: "queueDefinitions",
        initializer: (writer) => {
          writer.inlineBlock(() => {
            for (const queue of queues) writer.writeLine(`${queue.key}: ${queue.names.definition},`);
          });
          writer.write(" as const");
        },
      },
    ],
  });

  file.addTypeAlias({
    isExported: true,
    name: "QueueName",
    docs: ["The name of every queue in this project."],
    type: "keyof typeof queueDefinitions",
  });

  file.addInterface({
    isExported: true,
    name: "Handlers",
    docs: [fillTemplate("handlers.md", {})],
    properties: queues.map((queue) => ({
      name: IDENTIFIER.test(queue.key) ? queue.key : JSON.stringify(queue.key),
      type: `${queue.names.handler} | ${queue.names.handler}Function`,
    })),
  });

  file.addFunction({
    isExported: true,
    name: "createWorker",
    docs: [fillTemplate("create-worker.md", { exampleQueue: queues[0]?.key ?? "queue" })],
    typeParameters: [{ name: "H", constraint: "Partial<Handlers>" }],
    parameters: [
      // The mapped `never` turns a key that is not a queue into an error at that key.
      { name: "handlers", type: "H & { [K in Exclude<keyof H, QueueName>]: never }" },
      { name: "options", hasQuestionToken: true, type: "WorkerOptions<Extract<keyof H, QueueName>>" },
    ],
    returnType: "Worker",
    statements: ["return createQueueWorker(queueDefinitions, handlers, options);"],
  });

  return finishSourceFile(file, model.configFile);
}

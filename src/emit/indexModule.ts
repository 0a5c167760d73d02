/**
 * `index.ts`: re-exports every queue module and adds what spans queues: the
 * definitions registry, the `Handlers` map and a typed `createWorker`.
 */
import type { StatementStructures } from "ts-morph";
import { StructureKind, VariableDeclarationKind } from "../tsMorph.js";
import type { ProjectModel } from "../model/types.js";
import { printModule, TopLevelInitializers } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function emitIndexModule(model: ProjectModel): string {
  const { queues } = model;
  const initializers = new TopLevelInitializers();
  const statements: StatementStructures[] = [];

  statements.push(
    ...queues.map((queue): StatementStructures => ({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `./${queue.names.file}.js`,
      namedImports: [
        { name: queue.names.definition },
        { name: queue.names.handler, isTypeOnly: true },
        { name: `${queue.names.handler}Function`, isTypeOnly: true },
      ],
    })),
  );
  statements.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: model.runtimeImport,
    namedImports: [{ name: "createQueueWorker" }, { name: "Worker", isTypeOnly: true }, { name: "WorkerOptions", isTypeOnly: true }],
  });
  statements.push(...queues.map((queue) => ({ kind: StructureKind.ExportDeclaration, moduleSpecifier: `./${queue.names.file}.js` }) as const));

  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [fillTemplate("queue-definitions.md", {})],
    declarations: [
      {
        name: "queueDefinitions",
        initializer: initializers.add((writer) => {
          writer.inlineBlock(() => {
            for (const queue of queues) writer.writeLine(`${queue.key}: ${queue.names.definition},`);
          });
          writer.write(" as const");
        }),
      },
    ],
  });

  statements.push({
    kind: StructureKind.TypeAlias,
    isExported: true,
    name: "QueueName",
    docs: ["The name of every queue in this project."],
    type: "keyof typeof queueDefinitions",
  });

  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: "Handlers",
    docs: [fillTemplate("handlers.md", {})],
    properties: queues.map((queue) => ({
      name: IDENTIFIER.test(queue.key) ? queue.key : JSON.stringify(queue.key),
      type: `${queue.names.handler} | ${queue.names.handler}Function`,
    })),
  });

  statements.push({
    kind: StructureKind.Function,
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

  return printModule(statements, model.configFile, initializers);
}

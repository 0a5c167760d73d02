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

/** `text` as the inside of a template literal type: only a backslash, a backtick and `${` are special there. */
function templateLiteralText(text: string): string {
  return text.replace(/[\\`]|\$\{/g, (special) => `\\${special}`);
}

export function emitIndexModule(model: ProjectModel): string {
  const { queues } = model;
  const initializers = new TopLevelInitializers();
  const statements: StatementStructures[] = [];

  statements.push(
    ...queues.map(
      (queue): StatementStructures => ({
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: `./${queue.names.file}.js`,
        namedImports: [
          { name: queue.names.definition },
          { name: queue.names.handler, isTypeOnly: true },
          { name: `${queue.names.handler}Function`, isTypeOnly: true },
        ],
      }),
    ),
  );
  statements.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: model.runtimeImport,
    namedImports: [
      { name: "createQueueWorker" },
      { name: "Worker", isTypeOnly: true },
      { name: "WorkerOptions", isTypeOnly: true },
    ],
  });
  statements.push(
    ...queues.map(
      (queue) => ({ kind: StructureKind.ExportDeclaration, moduleSpecifier: `./${queue.names.file}.js` }) as const,
    ),
  );

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

  // A string literal type, not `never`: the compiler's "not assignable to type '…'" then quotes the key and
  // the way out. The command matters when generated/ is older than the config (a queue added since).
  const queueList = queues.map((queue) => queue.key).join(", ");
  const unknownQueueText = templateLiteralText(
    `${model.configFile} defines ${queueList}; after adding a queue there, run npx pgmq-gen`,
  );
  statements.push(
    {
      kind: StructureKind.TypeAlias,
      name: "UnknownQueue",
      docs: [fillTemplate("unknown-queue.md", {})],
      typeParameters: [{ name: "K", constraint: "PropertyKey" }],
      type: `\`unknown queue \${K & (string | number)}: ${unknownQueueText}\``,
    },
    {
      kind: StructureKind.TypeAlias,
      name: "HandlerTypes",
      docs: [
        "The handler type of each queue key of `H`; any other key may hold anything here, and is refused by `CheckedHandlers`.",
      ],
      typeParameters: [{ name: "H" }],
      type: "{ [K in keyof H]: K extends QueueName ? Handlers[K] | undefined : unknown }",
    },
    {
      kind: StructureKind.TypeAlias,
      name: "CheckedHandlers",
      docs: ["`H` with every key that is not a queue turned into an `UnknownQueue` error."],
      typeParameters: [{ name: "H" }],
      type: "{ [K in keyof H]: K extends QueueName ? H[K] : UnknownQueue<K> }",
    },
  );

  statements.push({
    kind: StructureKind.Function,
    isExported: true,
    name: "createWorker",
    docs: [fillTemplate("create-worker.md", { exampleQueue: queues[0]?.key ?? "queue" })],
    // H bounds itself: `Partial<Handlers>` would reject a literal with no queue key at all before CheckedHandlers
    // could name the key. Each queue key still gets its handler type as the contextual type, so
    // `(job) => job.to` infers the queue's job.
    typeParameters: [{ name: "H", constraint: "HandlerTypes<H>" }],
    parameters: [
      { name: "handlers", type: "CheckedHandlers<H>" },
      { name: "options", hasQuestionToken: true, type: "WorkerOptions<Extract<keyof H, QueueName>>" },
    ],
    returnType: "Worker",
    statements: ["return createQueueWorker(queueDefinitions, handlers, options);"],
  });

  return printModule(statements, model.configFile, initializers);
}

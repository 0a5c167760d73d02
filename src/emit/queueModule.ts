/**
 * `<queue>.ts`: the payload types, and the small objects binding the queue's
 * name, options and codec to the runtime (codec, definition, producer), plus
 * the handler interface a worker implements.
 */
import type { ImportSpecifierStructure, OptionalKind, StatementStructures } from "ts-morph";
import { StructureKind, VariableDeclarationKind } from "../tsMorph.js";
import type { QueueModel } from "../model/types.js";
import { describeAbortReasons, describeRetries, describeSuccess, describeTransaction } from "./queueDocs.js";
import { printModule, TopLevelInitializers, writeLiteral } from "./sourceFiles.js";
import { fillTemplate } from "./templates.js";

export interface QueueModuleInput {
  readonly queue: QueueModel;
  /** The queue whose module holds the payload type and whose validator is used: `queue` itself, or an earlier queue with the same schema. */
  readonly schemaOwner: QueueModel;
  /** The payload types, written by json-schema-to-typescript; null when `schemaOwner` is another queue. */
  readonly payloadTypes: string | null;
  readonly runtimeImport: string;
  readonly configFile: string;
}

/** The codec module's namespace import name: `emailTransform`. */
function transformName(queue: QueueModel): string {
  return queue.names.codec.replace(/Codec$/, "Transform");
}

/** The handler types' context argument: only a transactional queue's differs from the runtime's default (JobContext). */
function contextArgument(queue: QueueModel): string {
  return queue.options.transactional ? ", TransactionalJobContext" : "";
}

function runtimeImports(queue: QueueModel): OptionalKind<ImportSpecifierStructure>[] {
  const named = (name: string, isTypeOnly: boolean) => ({ name, isTypeOnly });
  return [
    named("createProducer", false),
    named("createQueueCodec", false),
    // JobHandler for the handler's doc link: TypeScript counts a {@link} as a use.
    named("JobHandler", true),
    named("JobHandlerFunction", true),
    named("JobHandlerObject", true),
    named("Producer", true),
    named("QueueDefinition", true),
    ...(queue.options.transactional ? [named("TransactionalJobContext", true)] : []),
  ];
}

/** A queue sharing another's schema: its payload type is that queue's, under its own name. */
function aliasedPayloadType(queue: QueueModel, owner: QueueModel): StatementStructures {
  return {
    kind: StructureKind.TypeAlias,
    isExported: true,
    name: queue.names.job,
    docs: [queue.description ?? `The \`${queue.key}\` queue's job: the same schema as the \`${owner.key}\` queue's.`],
    type: owner.names.job,
  };
}

export function emitQueueModule({
  queue,
  schemaOwner,
  payloadTypes,
  runtimeImport,
  configFile,
}: QueueModuleInput): string {
  const { names, options, key } = queue;
  // Every statement is printed in one go: each ts-morph `add*` call would re-parse the file so far.
  const statements: (StatementStructures | string)[] = [];
  const initializers = new TopLevelInitializers();
  statements.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: runtimeImport,
    namedImports: runtimeImports(queue),
  });
  const shared = schemaOwner !== queue;
  if (shared) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: `./${schemaOwner.names.file}.js`,
      namedImports: [schemaOwner.names.job],
    });
  }
  statements.push({
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: `./${schemaOwner.names.file}.validator.js`,
    namedImports: [schemaOwner.names.validator],
  });
  if (queue.codecImport !== null) {
    statements.push({
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: queue.codecImport,
      namespaceImport: transformName(queue),
    });
  }

  statements.push(payloadTypes ?? aliasedPayloadType(queue, schemaOwner));

  const codecDoc = fillTemplate("codec.md", {
    queue: key,
    schemaSource: queue.schemaFile === null ? "its inline schema" : `\`${queue.schemaFile}\``,
    encoding: queue.codecImport === null ? "as plain JSON" : `with \`${queue.codecImport}\``,
  });
  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [codecDoc],
    declarations: [
      {
        name: names.codec,
        initializer: initializers.add((writer) => {
          writer.write(`createQueueCodec<${names.job}>(`);
          writer.inlineBlock(() => {
            writer.writeLine(`queue: ${JSON.stringify(key)},`);
            writer.writeLine(`validator: ${schemaOwner.names.validator},`);
            if (queue.codecImport !== null) writer.writeLine(`transform: ${transformName(queue)},`);
          });
          writer.write(")");
        }),
      },
    ],
  });

  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [fillTemplate("definition.md", { queue: key })],
    declarations: [
      {
        name: names.definition,
        type: `QueueDefinition<${JSON.stringify(key)}, ${names.job}>`,
        initializer: initializers.add((writer) => {
          writer.inlineBlock(() => {
            writer.writeLine(`name: ${JSON.stringify(key)},`);
            writer.write("options: ");
            writeLiteral(writer, options);
            writer.write(",").newLine();
            writer.writeLine(`codec: ${names.codec},`);
          });
        }),
      },
    ],
  });

  statements.push({
    kind: StructureKind.VariableStatement,
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [fillTemplate("producer.md", { queue: key, producer: names.producer })],
    declarations: [
      { name: names.producer, type: `Producer<${names.job}>`, initializer: `createProducer(${names.definition})` },
    ],
  });

  statements.push({
    kind: StructureKind.TypeAlias,
    isExported: true,
    name: names.handler,
    docs: [
      fillTemplate("handler.md", {
        queue: key,
        handler: names.handler,
        onSuccess: describeSuccess(key, options),
        retries: describeRetries(options),
        abortReasons: describeAbortReasons(options),
        transactional: describeTransaction(options),
      }),
    ],
    type: `JobHandlerObject<${names.job}${contextArgument(queue)}>`,
  });

  statements.push({
    kind: StructureKind.TypeAlias,
    isExported: true,
    name: `${names.handler}Function`,
    docs: [`\`${names.handler}\` as a plain function.`],
    type: `JobHandlerFunction<${names.job}${contextArgument(queue)}>`,
  });

  return printModule(statements, configFile, initializers);
}

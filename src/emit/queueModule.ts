/**
 * `<queue>.ts`: the payload types, and the small objects binding the queue's
 * name, options and codec to the runtime (codec, definition, producer), plus
 * the handler types a worker implements; for a queue with older versions, the
 * upgrade steps' interface too (queueVersions.ts).
 * templates/queue.ts.template holds the module's code and doc comments; this
 * file computes the values it is filled with.
 */
import type { QueueModel } from "../model/types.js";
import { bannerLine } from "./banner.js";
import { describeAbortReasons, describeRetries, describeSuccess } from "./queueDocs.js";
import { queueVersionValues } from "./queueVersions.js";
import { finishModule, literalText, separateDeclarations } from "./sourceFiles.js";
import { fillTemplate, type TemplateValues } from "./templates.js";

export interface QueueModuleInput {
  readonly queue: QueueModel;
  /** The queue whose module holds the payload type and whose validator is used: `queue` itself, or an earlier queue with the same schema. */
  readonly schemaOwner: QueueModel;
  /** The payload types, written by json-schema-to-typescript; null when `schemaOwner` is another queue. */
  readonly payloadTypes: string | null;
  readonly runtimeImport: string;
  readonly configFile: string;
}

/** `text` as the inside of a double-quoted string literal. */
function stringText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * `text` (a user's description, any shape) as a doc comment: on one line if
 * `text` is one line, else a ` * ` line for each of its lines, a leading empty
 * line dropped.
 */
function docComment(text: string): string {
  const lines = text.split(/\r?\n/);
  const body = lines[0] === "" ? lines.slice(1) : lines;
  if (lines.length === 1) {
    const line = `/** ${body[0] ?? ""}`;
    return line.endsWith(" ") ? `${line}*/` : `${line} */`;
  }
  return ["/**", ...body.map((line) => (line === "" ? " *" : ` * ${line}`)), " */"].join("\n");
}

/** A queue sharing another's schema: its payload type is that queue's, under its own name. */
function aliasedPayloadType(queue: QueueModel, owner: QueueModel): string {
  const doc = queue.description ?? `The \`${queue.key}\` queue's job: the same schema as the \`${owner.key}\` queue's.`;
  return `${docComment(doc)}\nexport type ${queue.names.job} = ${owner.names.job};`;
}

/** The values templates/queue.ts.template is filled with. */
export function queueModuleValues({
  queue,
  schemaOwner,
  payloadTypes,
  runtimeImport,
  configFile,
}: QueueModuleInput): TemplateValues {
  const { names, options, key, codecImport } = queue;
  return {
    banner: bannerLine(configFile),
    runtimeImport: stringText(runtimeImport),
    transactional: options.transactional,
    sharedSchema: schemaOwner !== queue,
    ownerJob: schemaOwner.names.job,
    ownerFile: schemaOwner.names.file,
    validator: schemaOwner.names.validator,
    customCodec: codecImport !== null,
    transform: names.codec.replace(/Codec$/, "Transform"),
    codecImport: stringText(codecImport ?? ""),
    payloadTypes:
      payloadTypes === null ? aliasedPayloadType(queue, schemaOwner) : separateDeclarations(payloadTypes.trim()),
    queue: key,
    schemaSource: queue.schemaFile === null ? "its inline schema" : `\`${queue.schemaFile}\``,
    encoding: codecImport === null ? "as plain JSON" : `with \`${codecImport}\``,
    codec: names.codec,
    job: names.job,
    definition: names.definition,
    options: literalText(options),
    producer: names.producer,
    handler: names.handler,
    onSuccess: describeSuccess(key, options),
    retries: describeRetries(options),
    abortReasons: describeAbortReasons(options),
    contextArgument: options.transactional ? ", TransactionalJobContext" : "",
    ...queueVersionValues(queue),
  };
}

export function emitQueueModule(input: QueueModuleInput): string {
  return finishModule(fillTemplate("queue.ts.template", queueModuleValues(input)));
}

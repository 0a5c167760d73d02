/**
 * A queue's payload types, written by json-schema-to-typescript. The schema is
 * first given names: the root becomes `<Queue>Job`, and every titled or
 * defined subschema gets the queue's prefix, because index.ts re-exports every
 * queue module and two queues may both define an `Address`. An older version
 * of the schema (config `previous`) is named the same way in its own module:
 * `<Queue>JobV1`, its subschemas prefixed `<Queue>V1`, so an error in an
 * upgrade step never compares two different types of the same name.
 */
import type { Options } from "json-schema-to-typescript";
import { type ArtifactMemo, NO_MEMO } from "../model/artifactMemo.js";
import { CompileError } from "../errors.js";
import { DATA_KEYWORDS } from "../model/schemaKeywords.js";
import type { BundledSchema, PreviousVersionModel, QueueModel } from "../model/types.js";
import { tidyPayloadTypes } from "./tidyPayloadTypes.js";

type SchemaNode = Record<string, unknown>;

/** One schema to write payload types for: a queue's current schema, or one of its older versions. */
export interface PayloadSchema {
  /** The queue's key, for errors. */
  readonly queue: string;
  readonly schema: BundledSchema;
  /** Where the schema came from, relative to the config file's folder, or null when inline; for errors. */
  readonly schemaFile: string | null;
  /** The root type's name: "SignupEmailJob", or "SignupEmailJobV1" for version 1. */
  readonly job: string;
  /** What every titled or defined subschema's type name starts with: "SignupEmail", or "SignupEmailV1". */
  readonly prefix: string;
  /** The root type's doc comment, or null for none. */
  readonly description: string | null;
}

function stringKeyword(schema: BundledSchema, keyword: string): string | null {
  const value = schema[keyword];
  return typeof value === "string" ? value : null;
}

/** The queue's current schema: its description (config or schema), else the schema's title, documents the job. */
export function queuePayload(queue: QueueModel): PayloadSchema {
  return {
    queue: queue.key,
    schema: queue.schema,
    schemaFile: queue.schemaFile,
    job: queue.names.job,
    prefix: queue.names.pascal,
    description: queue.description ?? stringKeyword(queue.schema, "title"),
  };
}

/** An older version of the queue's schema: documented as such first, then by its own description or title. */
export function previousVersionPayload(queue: QueueModel, previous: PreviousVersionModel): PayloadSchema {
  const own = stringKeyword(previous.schema, "description") ?? stringKeyword(previous.schema, "title");
  const version =
    `Version ${previous.version} of the \`${queue.key}\` queue's job, kept while messages of it may still be queued: ` +
    `a worker upgrades such a job to the current version (\`${queue.names.job}\`) before the handler sees it.`;
  return {
    queue: queue.key,
    schema: previous.schema,
    schemaFile: previous.schemaFile,
    job: previous.names.job,
    prefix: `${queue.names.pascal}V${previous.version}`,
    description: own === null ? version : `${version}\n\n${own}`,
  };
}

const DEFINITION_MAPS = ["definitions", "$defs"];

function isNode(value: unknown): value is SchemaNode {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** "postal address" / "postal_address" / "postalAddress" -> "PostalAddress" */
function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

/** Untitled definitions would be named after their key (`Node`), which clashes across queues: title them. */
function titleDefinitions(node: SchemaNode): void {
  for (const map of DEFINITION_MAPS) {
    const definitions = node[map];
    if (!isNode(definitions)) continue;
    for (const [name, definition] of Object.entries(definitions)) {
      if (isNode(definition) && typeof definition.title !== "string") definition.title = name;
    }
  }
}

/** Prefixes every subschema title with `prefix` (once), depth first. */
function prefixTitles(node: unknown, prefix: string): void {
  if (Array.isArray(node)) {
    for (const item of node) prefixTitles(item, prefix);
    return;
  }
  if (!isNode(node)) return;
  titleDefinitions(node);
  const title = node.title;
  if (typeof title === "string") {
    const name = pascalCase(title);
    node.title = name.startsWith(prefix) ? name : `${prefix}${name}`;
  }
  for (const [key, child] of Object.entries(node)) {
    if (!DATA_KEYWORDS.has(key)) prefixTitles(child, prefix);
  }
}

/** The schema as json-schema-to-typescript should see it: a mutable copy, named. */
function namedSchema(payload: PayloadSchema): SchemaNode {
  const schema = structuredClone(payload.schema) as SchemaNode;
  prefixTitles(schema, payload.prefix);
  schema.title = payload.job;
  if (payload.description === null) delete schema.description;
  else schema.description = payload.description;
  return schema;
}

const TYPE_OPTIONS: Partial<Options> = {
  bannerComment: "",
  additionalProperties: true,
  declareExternallyReferenced: true,
  unreachableDefinitions: false,
  unknownAny: true,
  // Plain `T[]` rather than tuples for minItems/maxItems: `to: list.map(...)` must compile; ajv enforces the bounds at push time.
  ignoreMinAndMaxItems: true,
  // With optional properties next to an index signature, strict mode needs `| undefined` on the signature.
  strictIndexSignatures: true,
  format: true,
  style: {
    bracketSpacing: true,
    printWidth: 120,
    semi: true,
    singleQuote: false,
    tabWidth: 2,
    trailingComma: "all",
    useTabs: false,
    // Same printer, about twice as fast a parse as prettier's "typescript" on these declarations (and the same output).
    parser: "babel-ts",
    // Type declarations hold no template literals (css`...`, graphql`...`) to format; looking for them cost ~0.1 s for 200 queues.
    embeddedLanguageFormatting: "off",
  },
  // The schema is bundled: every $ref is internal, nothing is read from disk.
  $refOptions: { resolve: { external: false } },
};

function typesError(payload: PayloadSchema, configFile: string, error: unknown): CompileError {
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof RangeError
      ? "The schema is too deeply nested or recursive in a way the type generator cannot follow"
      : "A $ref cycle through the schema root is the usual cause";
  return new CompileError(
    { file: payload.schemaFile ?? configFile, queue: payload.queue, pointer: "" },
    `json-schema-to-typescript cannot turn this schema into types: ${message}. ${cause}; move the recursive part into definitions`,
    { cause: error },
  );
}

/**
 * json-schema-to-typescript and prettier are loaded on first use (once per
 * process): a run whose types all come from the build cache never needs them.
 */
let typeGeneratorModules:
  | Promise<
      [typeof import("json-schema-to-typescript"), typeof import("json-schema-to-typescript/dist/src/formatter.js")]
    >
  | undefined;

async function typeGenerator() {
  typeGeneratorModules ??= Promise.all([
    import("json-schema-to-typescript"),
    // Its own formatter (prettier with its parser options); the package has no `exports` map, and is pinned.
    import("json-schema-to-typescript/dist/src/formatter.js"),
  ]);
  const [{ compile }, { format }] = await typeGeneratorModules;
  return { compile, format };
}

export async function emitPayloadTypes(
  payload: PayloadSchema,
  configFile: string,
  options: Partial<Options> = TYPE_OPTIONS,
): Promise<string> {
  const { compile, format } = await typeGenerator();
  try {
    // Unformatted first, so tidyPayloadTypes edits text prettier then lays out as if written that way.
    const raw = await compile(namedSchema(payload) as Parameters<typeof compile>[0], payload.job, {
      ...options,
      format: false,
    });
    const tidy = tidyPayloadTypes(raw);
    return options.format === false ? tidy : await format(tidy, options as Options);
  } catch (error) {
    throw typesError(payload, configFile, error);
  }
}

/** A line between two schemas' types while they are formatted together; no generated type can contain it. */
const BOUNDARY = "// @pgmq-gen payload types boundary";
/** The boundary as a whole line (a doc comment quoting it would have ` * ` in front). */
const BOUNDARY_LINE = /^\/\/ @pgmq-gen payload types boundary\n/m;

/**
 * Every schema's payload types, formatted in one prettier call: prettier's
 * fixed cost per call is most of its time on small inputs. Top-level
 * declarations are formatted independently of their neighbours, so each
 * schema's part is what formatting it alone gives; if the batch fails, each
 * schema is formatted alone, so the error names the queue and file at fault.
 */
async function formatTogether(payloads: readonly PayloadSchema[], configFile: string): Promise<string[]> {
  const { format } = await typeGenerator();
  const raw = await Promise.all(
    payloads.map((payload) => emitPayloadTypes(payload, configFile, { ...TYPE_OPTIONS, format: false })),
  );
  let parts: string[] | null = null;
  try {
    const formatted = await format(raw.join(`\n${BOUNDARY}\n`), TYPE_OPTIONS as Options);
    parts = formatted.split(BOUNDARY_LINE);
  } catch {
    parts = null;
  }
  if (parts === null || parts.length !== payloads.length) {
    return Promise.all(payloads.map((payload) => emitPayloadTypes(payload, configFile)));
  }
  // Alone, prettier's output has no leading blank line and ends in exactly one newline.
  return parts.map((part) => `${part.replace(/^\n+/, "").trimEnd()}\n`);
}

/**
 * Every schema's payload types, in the order given: from the build cache
 * where an identical generator already wrote them for the same named schema,
 * the rest written now, together.
 */
export async function emitAllPayloadTypes(
  payloads: readonly PayloadSchema[],
  configFile: string,
  cache: ArtifactMemo = NO_MEMO,
): Promise<string[]> {
  if (!cache.enabled) return formatTogether(payloads, configFile);
  const inputs = payloads.map((payload) => `${payload.job}\n${JSON.stringify(namedSchema(payload))}`);
  const types = inputs.map((input) => cache.get("payload-types", input));
  const missing = payloads.filter((_payload, index) => types[index] === undefined);
  if (missing.length === 0) return types as string[];
  const written = await formatTogether(missing, configFile);
  let next = 0;
  return types.map((cached, index) => {
    if (cached !== undefined) return cached;
    const fresh = written[next++]!;
    cache.set("payload-types", inputs[index]!, fresh);
    return fresh;
  });
}

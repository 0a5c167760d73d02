/**
 * The compiler's model: everything `emit` needs, resolved and validated, with
 * no file system access left to do. Built by `src/model/`, read by `src/emit/`.
 */
import type { QueueOptions } from "@pgmq-gen/runtime/contract";
import type { CompatibilityMode } from "../evolution/types.js";
import type { ValidatorSourceOutcome } from "./validatorSource.js";

/** A JSON Schema after bundling: every `$ref` points inside the document itself. */
export type BundledSchema = { readonly [keyword: string]: unknown };

export type SchemaDialect = "draft-07" | "2020-12";

/** The TypeScript identifiers and file name derived from one queue key. */
export interface QueueNames {
  /** "resize_image" -> "ResizeImage" */
  readonly pascal: string;
  /** "ResizeImageJob": the payload type. */
  readonly job: string;
  /** "resizeImageQueue": the producer. */
  readonly producer: string;
  /** "ResizeImageHandler": the handler interface (object or function). */
  readonly handler: string;
  /** "resizeImageCodec": validate, encode, decode. */
  readonly codec: string;
  /** "resizeImageQueueDefinition": name + options + codec, for the worker registry. */
  readonly definition: string;
  /** "validateResizeImageJob": the precompiled ajv validator. */
  readonly validator: string;
  /** "resize-image": base name of the queue's generated files. */
  readonly file: string;
}

/** An older version of a queue's payload schema, kept because messages of it may still be queued. */
export interface PreviousVersionModel {
  readonly version: number;
  readonly schema: BundledSchema;
  readonly dialect: SchemaDialect;
  /** Relative to the config file's folder, or null when inline. */
  readonly schemaFile: string | null;
  readonly names: {
    /** "SignupEmailJobV1" */
    readonly job: string;
    /** "validateSignupEmailJobV1" */
    readonly validator: string;
    /** "signup-email.v1": base name of its generated files. */
    readonly file: string;
  };
  /** ajv's standalone source of this version's validator (see `QueueModel.validatorSource`). */
  readonly validatorSource: Promise<ValidatorSourceOutcome>;
}

export interface QueueModel {
  /** The queue key and PGMQ queue name. */
  readonly key: string;
  readonly names: QueueNames;
  readonly options: QueueOptions;
  /** The payload schema, bundled into one self-contained document. */
  readonly schema: BundledSchema;
  readonly dialect: SchemaDialect;
  /** Where the schema came from, relative to the config file's folder, or null when inline. */
  readonly schemaFile: string | null;
  /** Import specifier of the user's codec module, relative to `outDir`, or null for plain JSON. */
  readonly codecImport: string | null;
  /** JSDoc for the generated queue, or null. */
  readonly description: string | null;
  /**
   * ajv's standalone source of the schema's validator: compiled on a compiler
   * thread (or taken from the build cache) while the rest of the model is
   * built and emit starts, so it is still a promise here. It rejects only
   * when a compiler thread failed, which the build reports first.
   */
  readonly validatorSource: Promise<ValidatorSourceOutcome>;
  /** The payload schema's version (config `version`, default 1). */
  readonly version: number;
  /** What a change of the schema must keep valid, checked against the lock file. */
  readonly compatibility: CompatibilityMode | "none";
  /** Older versions that may still be queued, oldest first, ending at `version - 1` (empty for most queues). */
  readonly previousVersions: readonly PreviousVersionModel[];
  /** Import specifier of the user's upgrade module, relative to `outDir`, or null without previous versions. */
  readonly upgradeImport: string | null;
  /** The upgrade module as the generated docs name it, relative to the config file's folder (`./upgrades/email.ts`), or null without previous versions. */
  readonly upgradeFile: string | null;
}

export interface ProjectModel {
  /** The config file's name relative to its folder ("pgmq.config.ts"), for the banner. */
  readonly configFile: string;
  /** Absolute folder of the config file; relative paths start here. */
  readonly rootDir: string;
  /** Absolute output folder. */
  readonly outDir: string;
  /** Module the generated code imports the runtime from. */
  readonly runtimeImport: string;
  /** Sorted by key, so output never depends on the config's key order. */
  readonly queues: readonly QueueModel[];
  /** Absolute paths of every file read (config and schemas), sorted, for `--watch`. */
  readonly inputFiles: readonly string[];
}

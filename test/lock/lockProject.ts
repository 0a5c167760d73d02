/**
 * Throwaway projects for the lock file's tests: a JSON config (loads fastest),
 * schema files, and a node_modules of their own so the build cache stays in
 * the project and goes with it.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  CompileError,
  CompileErrors,
  generate,
  type GenerateOptions,
  type GenerateResult,
} from "../../src/compiler.js";
import { createTempProject, type TempProject } from "../config/tempProject.js";

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The email payload every test starts from: closed, `to` required. */
export const emailV1 = {
  type: "object",
  properties: { to: { type: "string" }, subject: { type: "string" } },
  required: ["to"],
  additionalProperties: false,
} as const;

/** emailV1 with more properties, each `{ type: "string" }`, and more required names. */
export function emailWith(properties: readonly string[], required: readonly string[] = []): object {
  return {
    ...emailV1,
    properties: { ...emailV1.properties, ...Object.fromEntries(properties.map((name) => [name, { type: "string" }])) },
    required: [...emailV1.required, ...required],
  };
}

export interface LockProject extends TempProject {
  /** Rewrites pgmq.config.json with these queues (and any other top-level options). */
  configure(queues: Record<string, unknown>, options?: Record<string, unknown>): Promise<void>;
  /** generate() in the project. */
  generate(options?: GenerateOptions): Promise<GenerateResult>;
  /** What generate() throws: every CompileError, in order. Fails when it succeeds or throws something else. */
  generateErrors(options?: GenerateOptions): Promise<CompileError[]>;
  /** pgmq.lock.json's text. */
  lockText(): Promise<string>;
  /** pgmq.lock.json parsed. */
  lock(): Promise<{
    lockfileVersion: number;
    queues: Record<string, { version: number; schemas: Record<string, unknown> }>;
  }>;
  /** Every file's bytes but node_modules', by path: to show a refused run wrote nothing. */
  files(): Promise<Map<string, string>>;
}

export async function createLockProject(
  label: string,
  queues: Record<string, unknown>,
  files: Record<string, string | object> = { "schemas/email.schema.json": emailV1 },
): Promise<LockProject> {
  const texts = Object.fromEntries(
    Object.entries(files).map(([name, contents]) => [name, typeof contents === "string" ? contents : json(contents)]),
  );
  const project = await createTempProject(`lock-${label}`, {
    "pgmq.config.json": json({ queues }),
    "node_modules/.keep": "",
    ...texts,
  });
  const generateIn = (options: GenerateOptions = {}) => generate({ cwd: project.dir, ...options });
  return {
    ...project,
    configure: (configQueues, options = {}) =>
      project.write("pgmq.config.json", json({ ...options, queues: configQueues })),
    generate: generateIn,
    async generateErrors(options) {
      const error = await generateIn(options).then(
        () => new Error("generate() succeeded"),
        (thrown: unknown) => thrown,
      );
      if (error instanceof CompileErrors) return [...error.errors];
      if (error instanceof CompileError) return [error];
      throw error;
    },
    lockText: () => project.read("pgmq.lock.json"),
    async lock() {
      return JSON.parse(await project.read("pgmq.lock.json"));
    },
    async files() {
      const entries = await readdir(project.dir, { recursive: true, withFileTypes: true });
      const names = entries
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(project.dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
        .filter((name) => !name.startsWith("node_modules/"))
        .sort();
      return new Map(
        await Promise.all(names.map(async (name) => [name, await readFile(project.path(name), "utf8")] as const)),
      );
    },
  };
}

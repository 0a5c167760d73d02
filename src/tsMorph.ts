/**
 * ts-morph, loaded with `require`. It is CommonJS, and an ES module importing
 * CommonJS makes Node first scan the 950 KB entry for its export names
 * (cjs-module-lexer): about 100 ms of every generator run, for nothing.
 * Types still come from `import type { ... } from "ts-morph"`.
 */
import { createRequire } from "node:module";

const tsMorph = createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph");

export const { CodeBlockWriter, printStructure, StructureKind, VariableDeclarationKind, ts } = tsMorph;
export type CodeBlockWriter = import("ts-morph").CodeBlockWriter;

/**
 * Entry point of a schema compiler thread (see compileThreads.ts): answers
 * each request with ajv's standalone source for that schema, or ajv's error.
 */
import { parentPort } from "node:worker_threads";
import type { SchemaDialect } from "./types.js";
import { validatorSource, type ValidatorSourceOutcome } from "./validatorSource.js";

export interface CompileRequest {
  readonly id: number;
  readonly schema: object;
  readonly dialect: SchemaDialect;
}

export interface CompileReply {
  readonly id: number;
  readonly outcome: ValidatorSourceOutcome;
}

const port = parentPort;
if (port !== null) {
  port.on("message", ({ id, schema, dialect }: CompileRequest) => {
    const reply: CompileReply = { id, outcome: validatorSource(schema, dialect) };
    port.postMessage(reply);
  });
}

/**
 * The runtime: what generated code and applications import at run time.
 * It never imports the compiler (ts-morph, json-schema-to-typescript, cosmiconfig).
 */
export type * from "./types.js";
export { ValidationError, DecodeError, UnrecoverableError, QueueMissingError } from "./errors.js";
export { configure, getPool, closePool } from "./connection.js";
export { createQueueCodec } from "./codec.js";
export { createProducer } from "./producer.js";
export { PgmqClient } from "./pgmq.js";
export type { ReadMessage } from "./pgmq.js";
export { ensureQueues } from "./queueSetup.js";
export { createQueueWorker } from "./worker.js";
export { validatorRuntime } from "./validatorRuntime.js";

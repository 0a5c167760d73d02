/**
 * Compiling the validators is most of the generator's time (ajv's code
 * generation, a few milliseconds per schema), and it does not need the main
 * thread: the main thread meanwhile writes the payload types with
 * json-schema-to-typescript and prettier. So schemas are compiled by worker
 * threads, one fewer than the machine's cores (at least one, at most four).
 *
 * The threads are started on first use and kept for the life of the process
 * (`--watch` and test runs reuse them), but they hold the process open only
 * while a compile is in flight. A thread that fails (its module cannot load,
 * it crashes) rejects what it had in flight with an ordinary Error, not a
 * CompileError: that is not the schema's fault. It is then replaced.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { CompileReply, CompileRequest } from "./compileWorker.js";
import type { SchemaDialect } from "./types.js";
import type { ValidatorSourceOutcome } from "./validatorSource.js";

const MAX_THREADS = 4;

/**
 * The thread runs JavaScript: from dist/ its entry is beside this module.
 * From src/ (vitest, tsx) it is the build's copy in dist/, because a worker
 * thread does not inherit their TypeScript loaders; `npm test` builds first.
 */
export function workerEntry(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts")
    ? new URL("../../dist/model/compileWorker.js", here)
    : new URL("./compileWorker.js", here);
}

interface InFlight {
  readonly resolve: (outcome: ValidatorSourceOutcome) => void;
  readonly reject: (error: Error) => void;
}

class CompileThread {
  readonly #worker: Worker;
  readonly #inFlight = new Map<number, InFlight>();
  #failure: Error | null = null;

  constructor(entry: URL) {
    this.#worker = new Worker(entry);
    this.#worker.on("message", (reply: CompileReply) => {
      const waiting = this.#inFlight.get(reply.id);
      this.#inFlight.delete(reply.id);
      if (this.#inFlight.size === 0) this.#worker.unref();
      waiting?.resolve(reply.outcome);
    });
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`it exited with code ${code}`)));
    // Only after the listeners: adding a "message" listener refs the thread's port again (Node refs a
    // MessagePort that has one), and a thread started by a run that then failed before compiling
    // anything (a missing or broken schema file) would keep the CLI alive after it printed the error.
    this.#worker.unref();
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  get failed(): boolean {
    return this.#failure !== null;
  }

  compile(request: CompileRequest): Promise<ValidatorSourceOutcome> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      if (this.#inFlight.size === 0) this.#worker.ref();
      this.#inFlight.set(request.id, { resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  #fail(cause: Error): void {
    if (this.#failure !== null) return;
    this.#failure = new Error(`pgmq-gen's schema compiler thread failed: ${cause.message}`, { cause });
    for (const waiting of this.#inFlight.values()) waiting.reject(this.#failure);
    this.#inFlight.clear();
    this.#worker.unref();
  }
}

let threads: CompileThread[] = [];
let nextId = 0;

function threadCount(): number {
  return Math.min(MAX_THREADS, Math.max(1, availableParallelism() - 1));
}

function liveThreads(): CompileThread[] {
  threads = threads.filter((thread) => !thread.failed);
  if (threads.length === 0) {
    const entry = workerEntry();
    if (!existsSync(fileURLToPath(entry))) {
      throw new Error(
        `pgmq-gen's schema compiler thread is not built (${fileURLToPath(entry)} is missing): run \`npm run build\``,
      );
    }
    threads = Array.from({ length: threadCount() }, () => new CompileThread(entry));
  }
  return threads;
}

/** Starts the threads now, so their module loading overlaps the caller's (reading the config). */
export function startCompileThreads(): void {
  liveThreads();
}

/** ajv's standalone source for `schema`, compiled on the least busy thread. */
export function compileOnThread(schema: object, dialect: SchemaDialect): Promise<ValidatorSourceOutcome> {
  let thread: CompileThread | undefined;
  try {
    for (const candidate of liveThreads())
      if (thread === undefined || candidate.inFlight < thread.inFlight) thread = candidate;
  } catch (error) {
    return Promise.reject(error);
  }
  return thread!.compile({ id: nextId++, schema, dialect });
}

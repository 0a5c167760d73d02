/**
 * Errors the compiler reports to users. Each says what is wrong and where:
 * the file, the queue, the option or JSON pointer, and what was expected.
 */
export interface CompileErrorLocation {
  /** The file at fault (config or schema), as the user would write its path. */
  readonly file: string;
  /** The queue key, when the error belongs to one queue. */
  readonly queue?: string;
  /** The config option at fault, e.g. `queues.email.maxRetries`. */
  readonly option?: string;
  /** JSON pointer inside the file at fault, e.g. `/properties/to/format`. */
  readonly pointer?: string;
}

export class CompileError extends Error {
  override readonly name = "CompileError";
  readonly location: CompileErrorLocation;
  /** The problem without its location. */
  readonly problem: string;

  constructor(location: CompileErrorLocation, problem: string, options?: { cause?: unknown }) {
    super(`${formatLocation(location)}: ${problem}`, options);
    this.location = location;
    this.problem = problem;
  }
}

/** `pgmq.config.ts (queue "email", option queues.email.maxRetries)` or `schemas/email.schema.json#/properties/to`. */
export function formatLocation(location: CompileErrorLocation): string {
  const where = location.pointer !== undefined ? `${location.file}#${location.pointer}` : location.file;
  const details: string[] = [];
  if (location.queue !== undefined) details.push(`queue "${location.queue}"`);
  if (location.option !== undefined) details.push(`option ${location.option}`);
  return details.length > 0 ? `${where} (${details.join(", ")})` : where;
}

/** Several errors found in one pass, reported together. */
export class CompileErrors extends Error {
  override readonly name = "CompileErrors";
  constructor(readonly errors: readonly CompileError[]) {
    super(errors.map((error) => error.message).join("\n"));
  }
}

/**
 * Something the user should fix that does not stop the build (a pattern with
 * catastrophic backtracking): located and worded as a CompileError is.
 */
export class CompileWarning {
  readonly location: CompileErrorLocation;
  /** The problem without its location. */
  readonly problem: string;
  /** `<location>: <problem>`, as a CompileError's message. */
  readonly message: string;

  constructor(location: CompileErrorLocation, problem: string) {
    this.location = location;
    this.problem = problem;
    this.message = `${formatLocation(location)}: ${problem}`;
  }
}

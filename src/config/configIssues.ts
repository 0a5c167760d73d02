/**
 * Collects every problem found in one config so the user sees them all at
 * once, each as a `CompileError` naming the file, queue and option.
 */
import { CompileError, CompileErrors } from "../errors.js";
import { closestName } from "./closestName.js";

/** `"abc"`, `1.5`, `null`, `an array`, `an object`, `undefined`: how a wrong value is shown. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "function") return "a function";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}

export class ConfigIssues {
  readonly #errors: CompileError[] = [];

  /** @param file the config file as the user would write its path. */
  constructor(readonly file: string) {}

  /** Records a problem with `option` (a dotted path such as `queues.email.maxRetries`). */
  add(problem: string, where: { option?: string; queue?: string } = {}): void {
    this.#errors.push(new CompileError({ file: this.file, ...where }, problem));
  }

  /** Records "expected ..., got ..." for a value of the wrong type or range. */
  expected(expectation: string, got: unknown, where: { option: string; queue?: string }): void {
    this.add(`expected ${expectation}, got ${describeValue(got)}`, where);
  }

  /** Reports every key of `object` that is not one of `known`, with a suggestion for near misses. */
  unknownKeys(object: object, known: readonly string[], where: { prefix: string; queue?: string }): void {
    for (const key of Object.keys(object)) {
      if (known.includes(key)) continue;
      const suggestion = closestName(key, known);
      const advice = suggestion !== undefined ? `did you mean "${suggestion}"?` : `known options: ${known.join(", ")}`;
      const option = where.prefix === "" ? key : `${where.prefix}.${key}`;
      this.add(`unknown option "${key}"; ${advice}`, {
        option,
        ...(where.queue !== undefined ? { queue: where.queue } : {}),
      });
    }
  }

  get count(): number {
    return this.#errors.length;
  }

  /** Throws every recorded problem as one `CompileErrors`; returns when there are none. */
  throwIfAny(): void {
    if (this.#errors.length > 0) throw new CompileErrors([...this.#errors]);
  }
}

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

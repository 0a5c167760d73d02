/**
 * The last line of defence against input that makes a recursive library
 * (ajv, json-schema-ref-parser, json-schema-to-typescript, TypeScript)
 * overflow the stack. The depth and `$ref`-loop checks should stop such input
 * first; if one slips through, the user still gets a CompileError naming the
 * file and queue instead of a bare "Maximum call stack size exceeded".
 */
import { CompileError, type CompileErrorLocation } from "../errors.js";

/** Runs `step`, turning a stack overflow (RangeError) into a CompileError at `location`. */
export async function withStackGuard<T>(
  location: CompileErrorLocation,
  doing: string,
  step: () => Promise<T> | T,
): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw stackOverflowAsCompileError(error, location, doing);
  }
}

/** The same, for synchronous steps. */
export function withStackGuardSync<T>(location: CompileErrorLocation, doing: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw stackOverflowAsCompileError(error, location, doing);
  }
}

/** A stack overflow (RangeError) as a CompileError at `location`; any other error as it is. */
export function stackOverflowAsCompileError(error: unknown, location: CompileErrorLocation, doing: string): unknown {
  if (!(error instanceof RangeError)) return error;
  return new CompileError(
    location,
    `${doing} failed: ${error.message}. The schema is probably too deeply nested or recursive in a way the tools cannot follow; simplify it, or move the recursive part into definitions`,
    { cause: error },
  );
}

/** The last line of defence: a stack overflow in a library becomes a CompileError naming the file and queue. */
import { describe, expect, it } from "vitest";
import { CompileError } from "../../src/errors.js";
import { withStackGuard, withStackGuardSync } from "../../src/model/stackOverflow.js";

function overflow(depth: number): number {
  return depth + overflow(depth + 1);
}

const location = { file: "schemas/job.schema.json", queue: "job" };

describe("withStackGuard", () => {
  it("turns a real stack overflow into a CompileError at the location", async () => {
    const error = await withStackGuard(location, "bundling", () => overflow(0)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).location).toEqual(location);
    expect((error as CompileError).message).toMatch(
      /^schemas\/job.schema.json \(queue "job"\): bundling failed: Maximum call stack size exceeded/,
    );
    expect((error as CompileError).cause).toBeInstanceOf(RangeError);
  });

  it("does the same synchronously", () => {
    expect(() => withStackGuardSync(location, "printing", () => overflow(0))).toThrow(CompileError);
  });

  it("lets other errors and results through unchanged", async () => {
    const other = new TypeError("not a stack overflow");
    await expect(withStackGuard(location, "x", () => Promise.reject(other))).rejects.toBe(other);
    expect(withStackGuardSync(location, "x", () => 42)).toBe(42);
  });
});

import { describe, expect, it } from "vitest";
import {
  DecodeError,
  QueueMissingError,
  UnrecoverableError,
  ValidationError,
} from "../../packages/runtime/src/errors.js";

describe("runtime errors", () => {
  it.each([
    ["ValidationError", new ValidationError("q", [])],
    ["DecodeError", new DecodeError("q", [])],
    ["UnrecoverableError", new UnrecoverableError("stop")],
    ["QueueMissingError", new QueueMissingError("q")],
  ])("%s is an Error with its name", (name, error) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(Object.prototype.toString.call(error)).toBe("[object Error]");
  });

  it("QueueMissingError names the queue and says what to do", () => {
    const error = new QueueMissingError("email");
    expect(error.queue).toBe("email");
    expect(error.message).toContain('queue "email"');
    expect(error.message).toContain("pgmq-gen migrate");
  });

  it("ValidationError.forBatch prefixes pointers with the job index and names each job", () => {
    const error = ValidationError.forBatch("email", [
      { index: 1, issues: [{ pointer: "/to", message: 'must match format "email"', keyword: "format" }] },
      {
        index: 3,
        issues: [{ pointer: "/subject", message: "must have required property 'subject'", keyword: "required" }],
      },
    ]);
    expect(error.issues.map((issue) => issue.pointer)).toEqual(["/1/to", "/3/subject"]);
    expect(error.jobs.map((job) => job.index)).toEqual([1, 3]);
    expect(error.message).toBe(
      `email: invalid jobs: job 1: /to must match format "email"; job 3: (root) must have required property 'subject'`,
    );
  });

  it("UnrecoverableError keeps its cause", () => {
    const cause = new Error("root");
    expect(new UnrecoverableError("stop", { cause }).cause).toBe(cause);
  });
});

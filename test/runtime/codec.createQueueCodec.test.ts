import { describe, expect, it } from "vitest";
import { createQueueCodec } from "../../packages/runtime/src/codec.js";
import { toValidationIssue } from "../../packages/runtime/src/validatorIssues.js";
import { DecodeError, ValidationError } from "../../packages/runtime/src/errors.js";
import type { JsonValue } from "../../packages/runtime/src/types.js";
import { compileValidator, type EmailJob, emailSchema } from "./support.js";

const codec = createQueueCodec<EmailJob>({ queue: "email", validator: compileValidator(emailSchema) });

describe("createQueueCodec: validate", () => {
  it.each([
    ["a valid job", { to: "a@example.com", subject: "hi" }, []],
    [
      "a bad format",
      { to: "nope", subject: "hi" },
      [{ pointer: "/to", keyword: "format", message: 'must match format "email"' }],
    ],
    [
      "a missing property (pointer at the property)",
      { to: "a@example.com" },
      [{ pointer: "/subject", keyword: "required", message: "must have required property 'subject'" }],
    ],
    [
      "an extra property (pointer at the extra key)",
      { to: "a@example.com", subject: "s", "we/ird~key": 1 },
      [
        {
          pointer: "/we~1ird~0key",
          keyword: "additionalProperties",
          message: "must NOT have additional property 'we/ird~key'",
        },
      ],
    ],
    ["not an object", "text", [{ pointer: "", keyword: "type", message: "must be object" }]],
  ])("%s", (_label, value, issues) => {
    expect(codec.validate(value)).toEqual(issues);
    expect(codec.is(value)).toBe(issues.length === 0);
  });

  it("maps a nested required error under its parent's pointer", () => {
    expect(
      toValidationIssue({
        instancePath: "/items/2",
        keyword: "required",
        params: { missingProperty: "id" },
        message: "m",
      }),
    ).toEqual({ pointer: "/items/2/id", keyword: "required", message: "m" });
  });
});

describe("createQueueCodec: encode", () => {
  it("returns the job as stored JSON when valid", () => {
    expect(codec.encode({ to: "a@example.com", subject: "s" })).toEqual({ to: "a@example.com", subject: "s" });
  });

  it("throws a ValidationError listing each failing pointer", () => {
    let caught: unknown;
    try {
      codec.encode({ to: "nope" } as EmailJob);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.name).toBe("ValidationError");
    expect(error.queue).toBe("email");
    expect(error.issues.map((issue) => issue.pointer).sort()).toEqual(["/subject", "/to"]);
    expect(error.message).toBe(
      `email: invalid job: (root) must have required property 'subject'; /to must match format "email"`,
    );
  });

  it("applies the transform after validating", () => {
    const transformed = createQueueCodec<EmailJob>({
      queue: "email",
      validator: compileValidator(emailSchema),
      transform: {
        encode: (payload) => ({ v: 1, data: payload }),
        decode: (stored) => (stored as { data: JsonValue }).data,
      },
    });
    const job = { to: "a@example.com", subject: "s" };
    const stored = transformed.encode(job);
    expect(stored).toEqual({ v: 1, data: job });
    expect(transformed.decode(stored)).toEqual(job);
    expect(() => transformed.encode({ to: "x" } as EmailJob)).toThrow(ValidationError);
  });
});

describe("createQueueCodec: decode", () => {
  it("returns a valid stored job", () => {
    expect(codec.decode({ to: "a@example.com", subject: "s" })).toEqual({ to: "a@example.com", subject: "s" });
  });

  it("throws DecodeError with issues when the stored value fails the schema", () => {
    let caught: unknown;
    try {
      codec.decode({ to: 5, subject: "s" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect((caught as DecodeError).issues).toEqual([{ pointer: "/to", keyword: "type", message: "must be string" }]);
    expect((caught as DecodeError).message).toContain(
      "email: stored message does not match the schema: /to must be string",
    );
  });

  it("wraps an exception of the transform in DecodeError with its cause", () => {
    const broken = createQueueCodec<EmailJob>({
      queue: "email",
      validator: compileValidator(emailSchema),
      transform: {
        encode: (payload) => payload,
        decode: () => {
          throw new SyntaxError("bad version");
        },
      },
    });
    let caught: unknown;
    try {
      broken.decode({});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DecodeError);
    expect((caught as DecodeError).cause).toBeInstanceOf(SyntaxError);
    expect((caught as DecodeError).issues).toEqual([]);
    expect((caught as DecodeError).withMsgId(7n).message).toBe(
      "email message 7: stored message could not be decoded: bad version",
    );
  });
});

describe("createQueueCodec: encodeJson", () => {
  it("round two #1: validates the job's JSON form and returns exactly the text that parses to it", () => {
    class Recipient {
      constructor(readonly address: string) {}
      toJSON() {
        return this.address;
      }
    }
    const job = { to: new Recipient("a@example.com"), subject: "s", body: undefined } as unknown as EmailJob;
    // The object in memory fails the schema (`to` is not a string); its JSON form passes.
    expect(codec.validate(job)).not.toEqual([]);
    const encoded = codec.encodeJson(job);
    expect(encoded.json).toBe('{"to":"a@example.com","subject":"s"}');
    expect(encoded.value).toEqual(JSON.parse(encoded.json));
    expect(codec.encode(job)).toEqual({ to: "a@example.com", subject: "s" });
  });

  it("round two #1: JSON's own conversions apply before validation (NaN and -0, undefined in arrays)", () => {
    const numbers = createQueueCodec<unknown>({
      queue: "numbers",
      validator: compileValidator({ type: "array", items: { type: ["number", "null"] } }),
    });
    expect(numbers.encodeJson([Number.NaN, -0, Number.POSITIVE_INFINITY, undefined, 1.5]).json).toBe(
      "[null,0,null,null,1.5]",
    );
  });

  it("round two #18: a transform output JSON cannot store is a ValidationError saying it came from the transform", () => {
    const transformed = createQueueCodec<EmailJob>({
      queue: "email",
      validator: compileValidator(emailSchema),
      transform: { encode: (payload) => ({ payload, note: "a\u0000" }), decode: (stored) => stored },
    });
    expect(() => transformed.encodeJson({ to: "a@example.com", subject: "s" })).toThrow(
      /email: invalid job: \/note contains the character U\+0000 .* \(in the value the queue's transform encoded\)/,
    );
  });
});

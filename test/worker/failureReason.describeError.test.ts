/**
 * Round two #6 and #4 at the level of the functions: `describeError` gives
 * words for any thrown value and never throws; `boundedReason` makes them
 * storable and cuts them at 8 KiB without splitting a surrogate pair.
 */
import { describe, expect, it } from "vitest";
import { storableText } from "../../packages/runtime/src/storableText.js";
import { boundedReason, describeError, REASON_MAX_LENGTH } from "../../packages/runtime/src/worker/failureReason.js";

const throwing = () => {
  throw new Error("trap");
};

describe("round two #6: describeError", () => {
  const cases: Array<[string, () => unknown, string]> = [
    ["an Error", () => new Error("boom"), "boom"],
    ["an Error with an empty message", () => new TypeError(""), "TypeError"],
    ["a string", () => "plain", "plain"],
    ["a number", () => 42, "42"],
    ["undefined", () => undefined, "undefined"],
    ["null", () => null, "null"],
    ["a Symbol", () => Symbol("s"), "Symbol(s)"],
    ["an object with a message", () => ({ message: "from a plain object" }), "from a plain object"],
    ["Object.create(null)", () => Object.create(null), "{}"],
    ["an object whose toString throws", () => ({ toString: throwing, a: 1 }), '{"a":1}'],
    [
      "an Error whose message getter throws",
      () => Object.defineProperty(new RangeError("x"), "message", { get: throwing }),
      "RangeError",
    ],
    ["a BigInt", () => 10n, "10"],
    [
      "a cyclic null-prototype object",
      () => Object.assign(Object.create(null), { self: null as unknown }),
      '{"self":null}',
    ],
    [
      "a Proxy that throws on every trap",
      () => new Proxy({}, { get: throwing, getPrototypeOf: throwing, ownKeys: throwing, has: throwing }),
      "<unprintable>",
    ],
  ];

  it.each(cases)("round two #6: %s", (_label, make, expected) => {
    expect(describeError(make())).toBe(expected);
  });

  it("round two #6: a cyclic object without toString falls back to its type", () => {
    const cyclic = Object.create(null) as { self?: unknown };
    cyclic.self = cyclic;
    expect(describeError(cyclic)).toBe("[object Object]");
  });
});

describe("round two #4: storable, bounded reasons", () => {
  it("round two #4: NUL becomes a visible escape, lone surrogates U+FFFD, pairs stay", () => {
    expect(storableText("a\u0000b")).toBe("a\\u0000b");
    expect(storableText("\ud800x\udc00")).toBe("\ufffdx\ufffd");
    expect(storableText("ok 🚀")).toBe("ok 🚀");
    const clean = "nothing to do";
    expect(storableText(clean)).toBe(clean);
  });

  it("round two #4: a reason past 8 KiB is cut with a marker, never splitting a surrogate pair", () => {
    expect(boundedReason("short")).toBe("short");
    const long = boundedReason("🚀".repeat(10_000));
    expect(long.length).toBeLessThanOrEqual(REASON_MAX_LENGTH);
    expect(long).toMatch(/^(🚀)+… \[reason cut at 8 KiB: \d+ more characters\]$/);
    const cut = Number(/(\d+) more/.exec(long)![1]);
    expect(long.indexOf("…") + cut).toBe(20_000);
  });
});

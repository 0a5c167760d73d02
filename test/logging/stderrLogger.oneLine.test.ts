/**
 * A default log line stays one line a terminal shows as text, whatever an
 * error's message holds, and a huge message is cut, not written whole.
 */
import { describe, expect, it } from "vitest";
import { createStderrLogger, MAX_MESSAGE_LENGTH, oneLine } from "../../packages/runtime/src/logging/stderrLogger.js";

describe("oneLine", () => {
  it("issue 12 #2: newlines, tabs, NUL, escape sequences and DEL are written as escapes", () => {
    expect(oneLine("a\nb\tc\u0000d\u001b[31me\u007f")).toBe("a\\nb\\tc\\u0000d\\u001b[31me\\u007f");
    expect(oneLine("plain ünïcode ✓")).toBe("plain ünïcode ✓");
  });

  it("issue 12 #2: a message past the limit is cut with the count of what was cut, never splitting a surrogate pair", () => {
    const huge = "x".repeat(5_000_000);
    const line = oneLine(huge);
    expect(line).toBe(`${"x".repeat(MAX_MESSAGE_LENGTH)}… [${5_000_000 - MAX_MESSAGE_LENGTH} more characters]`);
    const pairAtCut = `${"x".repeat(MAX_MESSAGE_LENGTH - 1)}😀tail`;
    const cut = oneLine(pairAtCut);
    expect(cut.startsWith(`${"x".repeat(MAX_MESSAGE_LENGTH - 1)}…`)).toBe(true);
    expect(cut).not.toContain("\ud83d");
  });
});

describe("createStderrLogger", () => {
  it("issue 12 #2: drops lines below its level; at debug writes the stack of fields.err, indented", () => {
    const written: string[] = [];
    const info = createStderrLogger({ write: (line) => written.push(line) });
    info.debug({}, "hidden");
    info.warn({ err: new Error("with stack") }, "multi\nline");
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\S+Z WARN {2}pgmq-gen: multi\\nline\n$/);

    const debugLines: string[] = [];
    const debug = createStderrLogger({ level: "debug", write: (line) => debugLines.push(line) });
    debug.error({ err: new Error("boom") }, "failed");
    const [first, ...stack] = debugLines[0]!.trimEnd().split("\n");
    expect(first).toMatch(/ERROR pgmq-gen: failed$/);
    expect(stack[0]).toBe("    Error: boom");
    expect(stack.length).toBeGreaterThan(1);
    expect(stack.every((line) => line.startsWith("    "))).toBe(true);
  });

  it("issue 12 #2: an unknown level is refused", () => {
    expect(() => createStderrLogger({ level: "verbose" as never })).toThrow(/unknown log level verbose/);
  });
});

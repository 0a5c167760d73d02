/**
 * Reading pgmq.lock.json (src/lock/lockFormat.ts): what pgmq-gen writes reads
 * back as the same entries, and a file edited or merged into something else
 * fails at the JSON pointer at fault, saying what to do.
 */
import { describe, expect, it } from "vitest";
import { CompileError, CompileErrors } from "../../src/errors.js";
import { lockFileText, parseLockFile } from "../../src/lock/lockFormat.js";
import { normalizeJson } from "../../src/lock/normalizeJson.js";
import type { LockedQueues } from "../../src/lock/types.js";

const FILE = "pgmq.lock.json";

function problems(text: string): { pointer: string | undefined; problem: string }[] {
  try {
    parseLockFile(text, FILE);
  } catch (error) {
    const errors = error instanceof CompileErrors ? error.errors : [error as CompileError];
    return errors.map((each) => {
      expect(each).toBeInstanceOf(CompileError);
      expect(each.location.file).toBe(FILE);
      return { pointer: each.location.pointer, problem: each.problem };
    });
  }
  throw new Error("parseLockFile accepted it");
}

const schema = { type: "object" };
const lock = (queues: unknown) => JSON.stringify({ lockfileVersion: 1, queues });

const invalid: [name: string, { given: string; want: [pointer: string, problem: RegExp][] }][] = [
  ["not JSON", { given: "{ lockfileVersion: 1 }", want: [["", /^not valid JSON at line 1, column 3/]] }],
  [
    "git's conflict markers",
    {
      given: `<<<<<<< HEAD\n${lock({})}\n=======\n${lock({})}\n>>>>>>> feature\n`,
      want: [["", /merge conflict markers: resolve the conflict keeping every queue either side has/]],
    },
  ],
  ["not an object", { given: "[]", want: [["", /^expected an object \{ "lockfileVersion": 1, "queues"/]] }],
  [
    "a newer format",
    { given: JSON.stringify({ lockfileVersion: 2, queues: {} }), want: [["/lockfileVersion", /newer pgmq-gen/]] },
  ],
  [
    "no lockfileVersion, an unknown key, queues not an object",
    {
      given: JSON.stringify({ queues: [], extra: true }),
      want: [
        [
          "/lockfileVersion",
          /^expected lockfileVersion 1, got undefined; restore pgmq\.lock\.json from version control/,
        ],
        ["/extra", /^unknown key "extra"/],
        ["/queues", /^expected an object of queues keyed by queue name/],
      ],
    },
  ],
  [
    "an entry that is not an object",
    { given: lock({ email: 1 }), want: [["/queues/email", /^expected \{ "version"/]] },
  ],
  [
    "a version that is not a whole number from 1",
    {
      given: lock({ email: { version: 0, schemas: { 1: schema } } }),
      want: [["/queues/email/version", /whole number/]],
    },
  ],
  [
    "schema keys that are not versions, or newer than the queue's, and a schema that is not one",
    {
      given: lock({ email: { version: 2, schemas: { "01": schema, 2: schema, 3: schema, 1: "object" } } }),
      want: [
        ["/queues/email/schemas/1", /^expected a JSON Schema \(an object or a boolean\)/],
        ["/queues/email/schemas/3", /^version 3 is newer than the queue's version 2/],
        ["/queues/email/schemas/01", /^expected a version number \(1, 2, \.\.\.\) as the key/],
      ],
    },
  ],
  [
    "no schema for the queue's own version",
    {
      given: lock({ email: { version: 2, schemas: { 1: schema } } }),
      want: [["/queues/email/schemas", /^expected the schema of the queue's version 2/]],
    },
  ],
  [
    "an unknown key in an entry",
    {
      given: lock({ email: { version: 1, schemas: { 1: schema }, note: "x" } }),
      want: [["/queues/email/note", /^unknown key "note"/]],
    },
  ],
];

describe("parseLockFile", () => {
  it.each(invalid)("issue 14 #2: refuses %s, at the pointer at fault", (_name, { given, want }) => {
    const found = problems(given);
    expect(found.map(({ pointer }) => pointer)).toEqual(want.map(([pointer]) => pointer));
    found.forEach(({ problem }, index) => expect(problem).toMatch(want[index]![1]));
  });

  it("issue 14 #5: a schema nested deeper than any pgmq-gen writes is refused at its pointer, not a stack overflow", () => {
    const levels = 20_000;
    const deep = `${'{"not":'.repeat(levels)}{}${"}".repeat(levels)}`;
    const found = problems(`{"lockfileVersion":1,"queues":{"email":{"version":1,"schemas":{"1":${deep}}}}}`);
    expect(found).toHaveLength(1);
    expect(found[0]!.pointer).toMatch(/^\/queues\/email\/schemas\/1(\/not)+$/);
    expect(found[0]!.problem).toMatch(
      /^nested more than \d+ levels deep, deeper than pgmq-gen writes; restore pgmq\.lock\.json/,
    );
  });

  it("issue 14 #2: reads back what lockFileText writes, and normalises an entry written in another key order", () => {
    const queues: LockedQueues = new Map([
      [
        "resize",
        { version: 1, schemas: new Map([[1, normalizeJson({ type: "object", required: ["url", "width"] })]]) },
      ],
      [
        "email",
        {
          version: 10,
          schemas: new Map<number, unknown>([
            [10, true],
            [9, normalizeJson({ type: "object", properties: { b: {}, a: {} } })],
          ]),
        },
      ],
    ]);
    const text = lockFileText(queues);
    expect(text.endsWith("}\n")).toBe(true);
    // Queues by key, versions in numeric order (9 before 10).
    expect(text.indexOf('"email"')).toBeLessThan(text.indexOf('"resize"'));
    expect(text.indexOf('"9"')).toBeLessThan(text.indexOf('"10"'));
    expect(lockFileText(parseLockFile(text, FILE))).toBe(text);

    const reordered = JSON.stringify({
      queues: { resize: { schemas: { 1: { required: ["url", "width"], type: "object" } }, version: 1 } },
      lockfileVersion: 1,
    });
    expect(parseLockFile(reordered, FILE).get("resize")).toEqual(queues.get("resize"));
  });
});

describe("normalizeJson", () => {
  it("issue 14 #2: sorts keys at every depth, keeps array order, and keeps a __proto__ key as a key", () => {
    const given = JSON.parse('{"b":{"z":1,"a":[{"y":1,"x":2},"q"]},"a":null,"__proto__":{"polluted":true}}');
    const normalised = normalizeJson(given) as Record<string, unknown>;
    expect(JSON.stringify(normalised)).toBe(
      '{"__proto__":{"polluted":true},"a":null,"b":{"a":[{"x":2,"y":1},"q"],"z":1}}',
    );
    expect(Object.getPrototypeOf(normalised)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/**
 * `pgmq-gen diff <old> <new>` run as a user runs it, on schema files in a
 * temp folder: what it prints for each change, its verdict, and its exit
 * codes (0 compatible, 1 breaking, 2 a usage or input error).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTempProject, type TempProject } from "../config/tempProject.js";
import { runCli } from "./runCli.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** An email job whose `to` property is `to`, required. */
const email = (to: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  $schema: DRAFT_07,
  type: "object",
  properties: { to, ...((extra.properties as object | undefined) ?? {}) },
  required: ["to", ...((extra.required as string[] | undefined) ?? [])],
});

/** A tree of named nodes, recursive through `children`, in a file of definitions of its own. */
const treeDefinitions = (name: Record<string, unknown>) => ({
  definitions: {
    node: {
      type: "object",
      properties: { name, children: { type: "array", items: { $ref: "#/definitions/node" } } },
      required: ["name"],
    },
  },
});

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const FILES: Record<string, string> = {
  "email.v1.schema.json": json(email({ type: "string", maxLength: 100 })),
  // Only compatible changes, backward: a longer maxLength and a description.
  "email.v2.schema.json": json(email({ type: "string", maxLength: 200, description: "Recipient address" })),
  // A new required property.
  "email.v3.schema.json": json(
    email({ type: "string", maxLength: 100 }, { properties: { subject: { type: "string" } }, required: ["subject"] }),
  ),
  // Cross-file $refs, each version in its own folder with its own common file.
  "v1/email.schema.json": json(email({ $ref: "common.schema.json#/definitions/address" })),
  "v1/common.schema.json": json({ definitions: { address: { type: "string", maxLength: 100 } } }),
  "v2/email.schema.json": json(email({ $ref: "common.schema.json#/definitions/address" })),
  "v2/common.schema.json": json({ definitions: { address: { type: "string", maxLength: 50 } } }),
  // Recursive $refs: inside the referenced file, and a root referring to itself.
  "tree/v1/tree.schema.json": json({
    $schema: DRAFT_07,
    type: "object",
    properties: { root: { $ref: "nodes.schema.json#/definitions/node" } },
  }),
  "tree/v1/nodes.schema.json": json(treeDefinitions({ type: "string" })),
  "tree/v2/tree.schema.json": json({
    $schema: DRAFT_07,
    type: "object",
    properties: { root: { $ref: "nodes.schema.json#/definitions/node" } },
  }),
  "tree/v2/nodes.schema.json": json(treeDefinitions({ type: "string", maxLength: 10 })),
  "tree/open.schema.json": json({ $schema: DRAFT_07, type: "object" }),
  "tree/list.schema.json": json({
    $schema: DRAFT_07,
    type: "object",
    properties: { value: { type: "integer" }, next: { $ref: "#" } },
  }),
  // A property name with a line break and a terminal escape sequence in it.
  "control.v1.schema.json": json({ $schema: DRAFT_07, type: "object", properties: {} }),
  "control.v2.schema.json": json({
    $schema: DRAFT_07,
    type: "object",
    properties: { "to\r\u001b[2Kcompatible\nok": { type: "string" } },
    required: ["to\r\u001b[2Kcompatible\nok"],
  }),
  "true.schema.json": "true\n",
  "false.schema.json": "false\n",
  // Files that cannot be compared.
  "bad.schema.json": '{\n  "type": "object",\n  "properties": { "to": tru }\n}\n',
  "array.schema.json": "[]\n",
  "string.schema.json": '"an email"\n',
  "broken-pointer.schema.json": json({ properties: { to: { $ref: "#/definitions/nope" } } }),
  "broken-file.schema.json": json({ properties: { to: { $ref: "gone.schema.json#/definitions/address" } } }),
  "nested-non-schema.schema.json": json({ type: "object", properties: { to: 5 } }),
  "folder.schema.json/.keep": "",
};

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject("cli-diff", FILES);
});
afterAll(async () => {
  await project?.remove();
});

const diff = (...args: string[]) => runCli(["diff", ...args], { cwd: project.dir });

describe("pgmq-gen diff", () => {
  it("issue 14 #1: a compatible change exits 0, listing each change's pointer, old -> new and a compatible marker, then the verdict naming the mode", async () => {
    const run = await diff("email.v1.schema.json", "email.v2.schema.json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")).toEqual([
      'compatible  /properties/to/description  ANNOTATION_CHANGED  (none) -> "Recipient address"',
      "compatible  /properties/to/maxLength  MAX_LENGTH_INCREASED  100 -> 200",
      "pgmq-gen diff: compatible in backward mode (2 changes, none breaking)",
      "",
    ]);
  });

  it("issue 14 #1: a required property added exits 1, with its pointer, a breaking marker and the reason", async () => {
    const run = await diff("email.v1.schema.json", "email.v3.schema.json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const lines = run.stdout.trimEnd().split("\n");
    const required = lines.findIndex((line) => /^breaking {4}\/required {2}REQUIRED_PROPERTY_ADDED {2}/.test(line));
    expect(lines[required]).toBe('breaking    /required  REQUIRED_PROPERTY_ADDED  (none) -> "subject"');
    expect(lines[required + 1]).toMatch(
      /^ {12}property "subject" became required: .*can be invalid under the new one$/,
    );
    expect(lines.at(-1)).toMatch(/^pgmq-gen diff: incompatible in backward mode \(\d+ of \d+ changes breaking\)$/);
  });

  it("issue 14 #1: identical schemas: no changes, exit 0", async () => {
    const run = await diff("email.v1.schema.json", "email.v1.schema.json");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("pgmq-gen diff: no changes; compatible in backward mode\n");
  });

  it("issue 14 #1: --json prints { mode, compatible, changes } with each change's fields, and keeps the exit code", async () => {
    const run = await diff("email.v1.schema.json", "email.v3.schema.json", "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { changes: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(["mode", "compatible", "changes"]);
    expect(report).toMatchObject({ mode: "backward", compatible: false });
    expect(report.changes).toContainEqual({
      pointer: "/required",
      keyword: "required",
      kind: "REQUIRED_PROPERTY_ADDED",
      new: "subject",
      breaking: true,
      reason: expect.stringMatching(/^property "subject" became required: /),
    });
    for (const change of report.changes)
      expect(Object.keys(change).filter((key) => key !== "old" && key !== "new")).toEqual([
        "pointer",
        "keyword",
        "kind",
        "breaking",
        "reason",
      ]);

    const compatible = await diff("email.v1.schema.json", "email.v2.schema.json", "--json", "--mode", "backward");
    expect(compatible.code).toBe(0);
    expect(JSON.parse(compatible.stdout)).toMatchObject({ mode: "backward", compatible: true });
  });

  it("issue 14 #1: --mode forward flips both verdicts; --mode=full breaks on either", async () => {
    const widened = await diff("email.v1.schema.json", "email.v2.schema.json", "--mode", "forward");
    expect(widened.code).toBe(1);
    expect(widened.stdout).toContain("breaking    /properties/to/maxLength  MAX_LENGTH_INCREASED  100 -> 200\n");
    expect(widened.stdout.trimEnd().split("\n").at(-1)).toBe(
      "pgmq-gen diff: incompatible in forward mode (1 of 2 changes breaking)",
    );

    const required = await diff("email.v1.schema.json", "email.v3.schema.json", "--mode", "forward");
    expect(required.code).toBe(0);
    expect(required.stdout).toMatch(/^compatible {2}\/required {2}REQUIRED_PROPERTY_ADDED/m);
    expect(required.stdout).toMatch(/^pgmq-gen diff: compatible in forward mode \(/m);

    for (const [oldFile, newFile] of [
      ["email.v1.schema.json", "email.v2.schema.json"],
      ["email.v1.schema.json", "email.v3.schema.json"],
    ] as const) {
      const run = await diff(oldFile, newFile, "--mode=full");
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^pgmq-gen diff: incompatible in full mode /m);
    }
  });

  it("issue 14 #1: $refs to a sibling file on both sides are bundled: a change inside the referenced file is reported at its pointer", async () => {
    const run = await diff("v1/email.schema.json", "v2/email.schema.json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")).toEqual([
      "breaking    /properties/to/maxLength  MAX_LENGTH_DECREASED  100 -> 50",
      expect.stringMatching(/^ {12}maxLength changed from 100 to 50: .*can be invalid under the new one$/),
      "pgmq-gen diff: incompatible in backward mode (1 of 1 change breaking)",
      "",
    ]);
    // The same files on both sides: the cross-file $ref itself is no change (unbundled, it would be one that cannot be proved).
    const same = await diff("v1/email.schema.json", "v1/email.schema.json");
    expect(same.stdout).toBe("pgmq-gen diff: no changes; compatible in backward mode\n");
    expect(same.code).toBe(0);
  });

  it("issue 14 #1: recursive $refs (in the referenced file, or to the root) are followed, and a change deep in them is found", async () => {
    const changed = await diff("tree/v1/tree.schema.json", "tree/v2/tree.schema.json");
    expect(changed.stderr).toBe("");
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(
      /^breaking {4}\/properties\/root\/properties\/name\/maxLength {2}MAX_LENGTH_ADDED /m,
    );

    const same = await diff("tree/v1/tree.schema.json", "tree/v1/tree.schema.json");
    expect(same.code).toBe(0);
    expect(same.stdout).toBe("pgmq-gen diff: no changes; compatible in backward mode\n");

    // A recursive property added to an open object is compared with the `true` its absence stands for.
    const added = await diff("tree/open.schema.json", "tree/list.schema.json");
    expect(added.stderr).toBe("");
    expect(added.code).toBe(1);
    expect(added.stdout).toMatch(/^breaking {4}\/properties\/next {2}PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /m);
    const removed = await diff("tree/list.schema.json", "tree/open.schema.json");
    expect(removed.code).toBe(0);
  });

  it("issue 14 #5: control characters in a property name are shown escaped in a change's pointer: one line per change, no escape sequence reaches the terminal", async () => {
    const run = await diff("control.v1.schema.json", "control.v2.schema.json");
    expect(run.code).toBe(1);
    for (const control of ["\r", "\u001b"]) expect(run.stdout).not.toContain(control);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe('breaking    /required  REQUIRED_PROPERTY_ADDED  (none) -> "to\\r\\u001b[2Kcompatible\\nok"');
    expect(lines[2]).toMatch(
      /^breaking {4}\/properties\/to\\r\\u001b\[2Kcompatible\\nok {2}PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL /,
    );
    expect(lines).toHaveLength(5);
  });

  it("issue 14 #1: boolean documents are schemas: true to false narrows the root", async () => {
    const run = await diff("true.schema.json", "false.schema.json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^breaking {4}\(root\) {2}SCHEMA_NARROWED {2}true -> false$/m);
    expect((await diff("false.schema.json", "true.schema.json")).code).toBe(0);
  });

  const inputErrors: [what: string, args: string[], errors: (string | RegExp)[]][] = [
    ["a missing file", ["missing.schema.json", "email.v1.schema.json"], ["error: missing.schema.json: no such file"]],
    [
      "invalid JSON, at its line and column",
      ["email.v1.schema.json", "bad.schema.json"],
      [/^error: bad\.schema\.json: not valid JSON at line 3, column 25: unexpected character/],
    ],
    [
      "a document that is an array",
      ["array.schema.json", "email.v1.schema.json"],
      ["error: array.schema.json: not a JSON Schema: the file holds an array, and a schema is an object or a boolean"],
    ],
    [
      "a document that is a string",
      ["email.v1.schema.json", "string.schema.json"],
      [/^error: string\.schema\.json: not a JSON Schema: the file holds a string, /],
    ],
    [
      "a $ref to a pointer that is not there",
      ["broken-pointer.schema.json", "email.v1.schema.json"],
      [
        'error: broken-pointer.schema.json#/properties/to/$ref: $ref "#/definitions/nope" points at nothing: this file has no #/definitions/nope',
      ],
    ],
    [
      "a $ref to a file that is not there",
      ["email.v1.schema.json", "broken-file.schema.json"],
      ["error: broken-file.schema.json#/properties/to/$ref: no such file: gone.schema.json"],
    ],
    [
      "a folder",
      ["folder.schema.json", "email.v1.schema.json"],
      [/^error: folder\.schema\.json: cannot read it: EISDIR/],
    ],
    [
      "a value in schema position that is not a schema",
      ["nested-non-schema.schema.json", "email.v1.schema.json"],
      [
        "error: nested-non-schema.schema.json or email.v1.schema.json: not a JSON Schema at /properties/to: 5; a schema is an object or a boolean",
      ],
    ],
    [
      "both files at fault, with --json: each is reported",
      ["missing.schema.json", "bad.schema.json", "--json"],
      ["error: missing.schema.json: no such file", /^error: bad\.schema\.json: not valid JSON /],
    ],
  ];

  it.each(inputErrors)(
    "issue 14 #1: %s is an input error: exit 2, the file named on stderr, nothing on stdout",
    async (_what, args, errors) => {
      const run = await diff(...args);
      expect(run.stdout).toBe("");
      expect(run.code).toBe(2);
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(errors.length);
      errors.forEach((error, index) =>
        typeof error === "string" ? expect(lines[index]).toBe(error) : expect(lines[index]).toMatch(error),
      );
    },
  );

  const usageErrors: [args: string[], message: string][] = [
    [["diff"], "diff needs two schema files, the old one then the new one; none was given"],
    [
      ["diff", "email.v1.schema.json"],
      'diff needs two schema files, the old one then the new one; only "email.v1.schema.json" was given',
    ],
    [["diff", "a.json", "b.json", "c.json"], 'unexpected argument "c.json"'],
    [
      ["diff", "a.json", "b.json", "--mode", "backwards"],
      'option --mode needs backward, forward or full, not "backwards"; did you mean backward?',
    ],
    [["diff", "a.json", "b.json", "--mode=sideways"], 'option --mode needs backward, forward or full, not "sideways"'],
    [["diff", "a.json", "b.json", "--mode"], "option --mode needs a value: --mode <mode>"],
    [["diff", "a.json", "b.json", "--json=yes"], "option --json takes no value"],
    [["diff", "a.json", "b.json", "--jsn"], "unknown option --jsn; did you mean --json?"],
    [["diff", "a.json", "b.json", "--config", "pgmq.config.ts"], "option --config does not apply to diff"],
  ];

  it.each(usageErrors)(
    "issue 14 #1: %j is a usage error: exit 2, the reason, diff's usage line and where its help is",
    async (args, message) => {
      const run = await runCli(args, { cwd: project.dir });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trimEnd().split("\n")).toEqual([
        `pgmq-gen: ${message}`,
        "Usage: pgmq-gen diff <old.schema.json> <new.schema.json> [--mode backward|forward|full] [--json]",
        "Run `pgmq-gen help diff` for its options.",
      ]);
    },
  );

  it("issue 14 #1: --mode and --json belong to diff only", async () => {
    const run = await runCli(["generate", "--mode", "full"], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe("pgmq-gen: option --mode does not apply to generate");
  });
});

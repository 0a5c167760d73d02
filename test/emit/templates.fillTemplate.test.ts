/** The template syntax (src/emit/templates.ts), and the package's templates as the emitters fill them. */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitQueueModule, type QueueModuleInput, queueModuleValues } from "../../src/emit/queueModule.js";
import { finishModule } from "../../src/emit/sourceFiles.js";
import { fillTemplate, type TemplateValues } from "../../src/emit/templates.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import { packageRoot } from "../model/schemaProject.js";
import { exampleConfig, exampleConfigPath } from "./exampleProject.js";

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pgmq-gen-templates-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `lines` written as a template file of its own (templates are cached by path), filled with `values`. */
async function fill(lines: string[], values: TemplateValues): Promise<string> {
  const name = `case${count++}.ts.template`;
  await writeFile(path.join(dir, name), `${lines.join("\n")}\n`);
  return fillTemplate(name, values, dir);
}

const fills: [string, { given: string[]; values: TemplateValues; want: string[] }][] = [
  [
    "issue 13 #3: {{name}} takes a string, anywhere on a line, as often as the line holds it",
    {
      given: ["export const {{name}}: Producer<{{job}}> = createProducer({{name}}Definition);"],
      values: { name: "emailQueue", job: "EmailJob" },
      want: ["export const emailQueue: Producer<EmailJob> = createProducer(emailQueueDefinition);"],
    },
  ],
  [
    "issue 13 #3: a multi-line value's later lines take its line's indentation; blank lines stay blank",
    {
      given: ["export const d = {", "  options: {{options}},", "};"],
      values: { options: "{\n  retries: 5,\n\n  backoff: {\n    delay: 1,\n  },\n}" },
      want: [
        "export const d = {",
        "  options: {",
        "    retries: 5,",
        "",
        "    backoff: {",
        "      delay: 1,",
        "    },",
        "  },",
        "};",
      ],
    },
  ],
  [
    "issue 13 #3: a section is kept when its value is true, and its mark lines never show",
    {
      given: [
        "import {",
        "  type Producer,",
        "  {{#transactional}}",
        "  type TransactionalJobContext,",
        "  {{/transactional}}",
        '} from "{{runtime}}";',
      ],
      values: { transactional: true, runtime: "@pgmq-gen/runtime" },
      want: ["import {", "  type Producer,", "  type TransactionalJobContext,", '} from "@pgmq-gen/runtime";'],
    },
  ],
  [
    "issue 13 #3: a section is dropped, lines and marks, when its value is false",
    {
      given: [
        " * - last bullet.",
        "{{#transactional}}",
        " * - `ctx.client` is inside the transaction.",
        "{{/transactional}}",
        " */",
      ],
      values: { transactional: false },
      want: [" * - last bullet.", " */"],
    },
  ],
  [
    "issue 13 #3: a list repeats its section per item, each filling from the item's values",
    {
      given: [
        "export const queueDefinitions = {",
        "{{#queues}}",
        "  {{queue}}: {{definition}},",
        "{{/queues}}",
        "} as const;",
      ],
      values: {
        queues: [
          { queue: "email", definition: "emailQueueDefinition" },
          { queue: "resize_image", definition: "resizeImageQueueDefinition" },
        ],
      },
      want: [
        "export const queueDefinitions = {",
        "  email: emailQueueDefinition,",
        "  resize_image: resizeImageQueueDefinition,",
        "} as const;",
      ],
    },
  ],
  [
    "issue 13 #3: an item's value may be used in one of the list's sections only",
    {
      given: [
        "{{#queues}}",
        'export * from "./{{file}}.js";',
        "{{/queues}}",
        "{{#queues}}",
        "  {{queue}},",
        "{{/queues}}",
      ],
      values: { queues: [{ queue: "email", file: "email" }] },
      want: ['export * from "./email.js";', "  email,"],
    },
  ],
  [
    "issue 13 #3: sections nest, and an empty list leaves nothing",
    {
      given: ["{{#a}}", "{{#items}}", "{{x}}", "{{/items}}", "{{#none}}", "never {{y}}", "{{/none}}", "{{/a}}", "end"],
      values: { a: true, items: [{ x: "one" }, { x: "two" }], none: [] },
      want: ["one", "two", "end"],
    },
  ],
  [
    "issue 13 #3: a note line is for the template's reader and never output",
    {
      given: ["{{! why the next line is there }}", "  {{! an indented note, with {@link braces} }}", "type X = {{x}};"],
      values: { x: "1" },
      want: ["type X = 1;"],
    },
  ],
  [
    "issue 13 #3: single braces and a template literal type's placeholders are text like any other",
    {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the template holds a template literal type.
      given: ["type T<K> = `unknown ${K & string}: {{list}}`; // { a: { b } }", "createWorker({ {{queue}}: job });"],
      values: { list: "a, b", queue: "email" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the module holds a template literal type.
      want: ["type T<K> = `unknown ${K & string}: a, b`; // { a: { b } }", "createWorker({ email: job });"],
    },
  ],
];

const throwing: [string, { given: string[]; values: TemplateValues; error: RegExp }][] = [
  [
    "issue 13 #3: a placeholder without a value throws",
    {
      given: ["export const {{name}} = {{value}};"],
      values: { name: "x" },
      error: /case\d+\.ts\.template needs a value for \{\{value\}\}/,
    },
  ],
  [
    "issue 13 #3: a value without a placeholder throws",
    { given: ["export const {{name}} = 1;"], values: { name: "x", extra: "y" }, error: /has no placeholder for extra/ },
  ],
  [
    "issue 13 #3: a placeholder without a value throws in a dropped section too",
    { given: ["{{#on}}", "{{missing}}", "{{/on}}"], values: { on: false }, error: /needs a value for \{\{missing\}\}/ },
  ],
  [
    "issue 13 #3: a list item's value that no section of the list uses throws",
    {
      given: ["{{#queues}}", "{{queue}}", "{{/queues}}"],
      values: { queues: [{ queue: "a" }, { queue: "b", file: "b" }] },
      error: /has no placeholder for file/,
    },
  ],
  [
    "issue 13 #3: a list item does not see the values outside the list",
    {
      given: ["{{#queues}}", "{{queue}} {{runtime}}", "{{/queues}}", "{{runtime}}"],
      values: { queues: [{ queue: "a" }], runtime: "r" },
      error: /needs a value for \{\{runtime\}\}/,
    },
  ],
  [
    "issue 13 #3: a section's value is a boolean or a list, a placeholder's a string",
    { given: ["{{#on}}", "x", "{{/on}}"], values: { on: "yes" }, error: /\{\{#on\}\} takes true, false or a list/ },
  ],
  [
    "issue 13 #3: a boolean in a placeholder throws",
    { given: ["{{on}}"], values: { on: true }, error: /\{\{on\}\} takes a string/ },
  ],
  [
    "issue 13 #3: a section mark sharing its line throws",
    { given: ["x {{#on}}y{{/on}}"], values: { on: true }, error: /line 1: .*stand alone on a line/ },
  ],
  [
    "issue 13 #3: a malformed placeholder throws",
    { given: ["a", "{{ name }}"], values: { name: "x" }, error: /line 2: a value is \{\{name\}\}/ },
  ],
  [
    "issue 13 #3: a section never closed throws",
    { given: ["{{#on}}", "x"], values: { on: true }, error: /\{\{#on\}\} is never closed/ },
  ],
  [
    "issue 13 #3: a section closed by another name throws",
    {
      given: ["{{#a}}", "{{#b}}", "{{/a}}", "{{/b}}"],
      values: { a: true, b: true },
      error: /line 3: \{\{\/a\}\} closes \{\{#b\}\}/,
    },
  ],
];

describe("fillTemplate", () => {
  it.each(fills)("%s", async (_name, { given, values, want }) => {
    expect((await fill(given, values)).split("\n")).toEqual(want);
  });

  it.each(throwing)("%s", async (_name, { given, values, error }) => {
    await expect(fill(given, values)).rejects.toThrow(error);
  });
});

describe("the package's templates", () => {
  let input: QueueModuleInput;
  beforeAll(async () => {
    const model = await buildProjectModel(exampleConfig, exampleConfigPath);
    const queue = model.queues.find((candidate) => candidate.key === "email")!;
    input = {
      queue,
      schemaOwner: queue,
      payloadTypes: "export interface EmailJob {}\n",
      runtimeImport: model.runtimeImport,
      configFile: model.configFile,
    };
  });

  it("issue 13 #3: a doc line edited in a copy of templates/ is the line the emitted module holds, and nothing else changes", async () => {
    const copy = path.join(dir, "templates");
    await cp(path.join(packageRoot, "templates"), copy, { recursive: true });
    const file = path.join(copy, "queue.ts.template");
    const original = " * Sends `{{queue}}` jobs: see {@link Producer} for `push`, `pushBatch` and their options.";
    const edited = " * Sends `{{queue}}` jobs (edited): see {@link Producer}.";
    const text = await readFile(file, "utf8");
    expect(text).toContain(original);
    await writeFile(file, text.replace(original, edited));

    const emitted = emitQueueModule(input).split("\n");
    const fromCopy = finishModule(fillTemplate("queue.ts.template", queueModuleValues(input), copy)).split("\n");
    const changed = emitted.flatMap((line, index) => (line === fromCopy[index] ? [] : [[line, fromCopy[index]]]));
    expect(changed).toEqual([
      [
        " * Sends `email` jobs: see {@link Producer} for `push`, `pushBatch` and their options.",
        " * Sends `email` jobs (edited): see {@link Producer}.",
      ],
    ]);
    expect(fromCopy).toHaveLength(emitted.length);
  });
});

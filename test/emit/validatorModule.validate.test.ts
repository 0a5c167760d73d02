/** Compiled validators, loaded as generated, accept valid jobs and reject invalid ones at the right pointer. */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitProject } from "../../src/emit/project.js";
import { schemaOwners } from "../../src/emit/sharedSchemas.js";
import { buildProjectModel } from "../../src/model/projectModel.js";
import type { CompiledValidator } from "../../packages/runtime/src/types.js";
import { packageRoot } from "../model/schemaProject.js";
import { exampleConfig, exampleConfigPath } from "./exampleProject.js";

const validEmail = {
  to: ["ada@example.com"],
  subject: "Hi",
  template: "welcome",
  sendAt: "2025-01-02T03:04:05Z",
  variables: { name: "Ada", n: 1 },
};
const validResize = {
  imageId: "0b8f6c1e-8a4e-4c53-9d5a-3f5e2b7c9a10",
  source: "https://cdn.example.com/a.png",
  width: 640,
  height: 480,
  format: "webp",
  fit: null,
};
const validInvoice = {
  invoiceId: "0b8f6c1e-8a4e-4c53-9d5a-3f5e2b7c9a10",
  version: 2,
  locale: "fr-FR",
  billTo: { line1: "1 rue de la Paix", line2: null, city: "Paris", postalCode: "75002", country: "FR" },
  delivery: { kind: "storage", bucket: "invoices", key: "2025/001.pdf" },
  lines: [{ description: "Consulting", quantity: 1.5, unitPriceCents: 10000 }],
  notes: null,
  issuedAt: "2025-01-02T03:04:05+01:00",
};

type Case = [
  string,
  { queue: string; given: unknown; want: { valid: true } | { valid: false; pointer: string; keyword: string } },
];

const cases: Case[] = [
  ["valid email", { queue: "email", given: validEmail, want: { valid: true } }],
  [
    "email format",
    {
      queue: "email",
      given: { ...validEmail, to: ["not-an-email"] },
      want: { valid: false, pointer: "/to/0", keyword: "format" },
    },
  ],
  [
    "missing required",
    {
      queue: "email",
      given: { to: ["a@b.co"], template: "welcome" },
      want: { valid: false, pointer: "", keyword: "required" },
    },
  ],
  [
    "enum",
    {
      queue: "email",
      given: { ...validEmail, template: "goodbye" },
      want: { valid: false, pointer: "/template", keyword: "enum" },
    },
  ],
  [
    "string bound (code points)",
    {
      queue: "email",
      given: { ...validEmail, subject: "" },
      want: { valid: false, pointer: "/subject", keyword: "minLength" },
    },
  ],
  [
    "additionalProperties false",
    {
      queue: "email",
      given: { ...validEmail, bcc: [] },
      want: { valid: false, pointer: "", keyword: "additionalProperties" },
    },
  ],
  [
    "date-time format",
    {
      queue: "email",
      given: { ...validEmail, sendAt: "tomorrow" },
      want: { valid: false, pointer: "/sendAt", keyword: "format" },
    },
  ],
  [
    "array bound",
    { queue: "email", given: { ...validEmail, to: [] }, want: { valid: false, pointer: "/to", keyword: "minItems" } },
  ],
  ["valid resize", { queue: "resize_image", given: validResize, want: { valid: true } }],
  [
    "uuid format",
    {
      queue: "resize_image",
      given: { ...validResize, imageId: "42" },
      want: { valid: false, pointer: "/imageId", keyword: "format" },
    },
  ],
  [
    "uri format",
    {
      queue: "resize_image",
      given: { ...validResize, source: "not a uri" },
      want: { valid: false, pointer: "/source", keyword: "format" },
    },
  ],
  [
    "integer bound",
    {
      queue: "resize_image",
      given: { ...validResize, width: 0 },
      want: { valid: false, pointer: "/width", keyword: "minimum" },
    },
  ],
  [
    "integer type",
    {
      queue: "resize_image",
      given: { ...validResize, height: 1.5 },
      want: { valid: false, pointer: "/height", keyword: "type" },
    },
  ],
  ["valid invoice (2020-12)", { queue: "invoice_pdf", given: validInvoice, want: { valid: true } }],
  [
    "const",
    {
      queue: "invoice_pdf",
      given: { ...validInvoice, version: 1 },
      want: { valid: false, pointer: "/version", keyword: "const" },
    },
  ],
  [
    "oneOf",
    {
      queue: "invoice_pdf",
      given: { ...validInvoice, delivery: { kind: "fax" } },
      want: { valid: false, pointer: "/delivery", keyword: "oneOf" },
    },
  ],
  [
    "nested ref from another file",
    {
      queue: "invoice_pdf",
      given: { ...validInvoice, billTo: { ...validInvoice.billTo, country: "France" } },
      want: { valid: false, pointer: "/billTo/country", keyword: "pattern" },
    },
  ],
  [
    "nullable",
    {
      queue: "invoice_pdf",
      given: { ...validInvoice, notes: 3 },
      want: { valid: false, pointer: "/notes", keyword: "type" },
    },
  ],
  [
    "exclusiveMinimum",
    {
      queue: "invoice_pdf",
      given: { ...validInvoice, lines: [{ description: "x", quantity: 0, unitPriceCents: 1 }] },
      want: { valid: false, pointer: "/lines/0/quantity", keyword: "exclusiveMinimum" },
    },
  ],
];

describe("generated validators", () => {
  const dir = path.join(packageRoot, "test", ".tmp", `validators-${randomBytes(4).toString("hex")}`);
  const validators = new Map<string, CompiledValidator>();

  beforeAll(async () => {
    const model = await buildProjectModel(exampleConfig, exampleConfigPath);
    await mkdir(dir, { recursive: true });
    for (const file of await emitProject(model)) await writeFile(path.join(dir, file.path), file.contents);
    // A queue sharing an earlier queue's schema uses that queue's validator (sharedSchemas.ts).
    for (const [queue, owner] of schemaOwners(model.queues)) {
      const module = (await import(path.join(dir, `${owner.names.file}.validator.ts`))) as Record<
        string,
        CompiledValidator
      >;
      validators.set(queue.key, module[owner.names.validator]!);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(cases)("%s", (_name, { queue, given, want }) => {
    const validate = validators.get(queue)!;
    const valid = validate(given);
    expect(valid).toBe(want.valid);
    if (!want.valid) {
      expect(validate.errors?.map((error) => [error.instancePath, error.keyword])).toContainEqual([
        want.pointer,
        want.keyword,
      ]);
    }
  });
});

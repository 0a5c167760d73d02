/**
 * Realistic queue schemas for the generator benchmark: five shapes seen in
 * real job queues, repeated with distinct keys, all sharing one common file.
 */
export interface QueueSetup {
  readonly key: string;
  readonly schema: Record<string, unknown>;
  readonly options: Record<string, unknown>;
}

export const commonSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  definitions: {
    email: { type: "string", format: "email", maxLength: 254 },
    id: { type: "string", format: "uuid" },
    money: {
      type: "object",
      properties: { cents: { type: "integer", minimum: 0 }, currency: { type: "string", pattern: "^[A-Z]{3}$" } },
      required: ["cents", "currency"],
      additionalProperties: false,
    },
    address: {
      title: "Address",
      type: "object",
      properties: {
        line1: { type: "string", minLength: 1 },
        city: { type: "string" },
        country: { type: "string", pattern: "^[A-Z]{2}$" },
      },
      required: ["line1", "city", "country"],
      additionalProperties: false,
    },
  },
};

const ref = (name: string) => ({ $ref: `common.schema.json#/definitions/${name}` });

const shapes: ((index: number) => Omit<QueueSetup, "key">)[] = [
  (index) => ({
    schema: {
      $schema: "http://json-schema.org/draft-07/schema#",
      title: "Notification",
      description: `Notification email ${index}.`,
      type: "object",
      properties: {
        to: { type: "array", items: ref("email"), minItems: 1, maxItems: 20 },
        subject: { type: "string", minLength: 1, maxLength: 200 },
        template: { type: "string", enum: ["welcome", "reset", "digest", "receipt"] },
        variables: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
        sendAt: { type: "string", format: "date-time" },
      },
      required: ["to", "subject", "template"],
      additionalProperties: false,
    },
    options: { maxRetries: 5, backoff: { kind: "exponential", initial: 2 } },
  }),
  () => ({
    schema: {
      type: "object",
      properties: {
        imageId: ref("id"),
        source: { type: "string", format: "uri" },
        width: { type: "integer", minimum: 1, maximum: 8192 },
        height: { type: "integer", minimum: 1, maximum: 8192 },
        format: { type: "string", enum: ["jpeg", "png", "webp", "avif"] },
      },
      required: ["imageId", "source", "width", "height", "format"],
      additionalProperties: false,
    },
    options: { onSuccess: "delete", visibilityTimeout: 120 },
  }),
  () => ({
    schema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Invoice",
      type: "object",
      properties: {
        invoiceId: ref("id"),
        version: { const: 2 },
        billTo: ref("address"),
        total: ref("money"),
        lines: { type: "array", minItems: 1, items: { $ref: "#/$defs/line" } },
        notes: { type: ["string", "null"], maxLength: 2000 },
        delivery: { oneOf: [{ $ref: "#/$defs/byEmail" }, { $ref: "#/$defs/byPost" }] },
      },
      required: ["invoiceId", "version", "billTo", "total", "lines", "delivery"],
      additionalProperties: false,
      $defs: {
        line: {
          title: "Line",
          type: "object",
          properties: { label: { type: "string" }, amount: ref("money") },
          required: ["label", "amount"],
        },
        byEmail: {
          title: "ByEmail",
          type: "object",
          properties: { kind: { const: "email" }, to: ref("email") },
          required: ["kind", "to"],
        },
        byPost: {
          title: "ByPost",
          type: "object",
          properties: { kind: { const: "post" }, address: ref("address") },
          required: ["kind", "address"],
        },
      },
    },
    options: { transactional: true, maxRetries: 3 },
  }),
  () => ({
    schema: {
      type: "object",
      properties: {
        orderId: ref("id"),
        customerEmail: ref("email"),
        shipTo: ref("address"),
        items: {
          type: "array",
          items: {
            type: "object",
            properties: {
              sku: { type: "string", pattern: "^[A-Z0-9-]{4,20}$" },
              quantity: { type: "integer", minimum: 1 },
            },
            required: ["sku", "quantity"],
          },
        },
        priority: { type: "string", enum: ["standard", "express"], default: "standard" },
      },
      required: ["orderId", "shipTo", "items"],
    },
    options: { jobTimeout: 60 },
  }),
  () => ({
    schema: {
      type: "object",
      properties: {
        eventId: ref("id"),
        occurredAt: { type: "string", format: "date-time" },
        payload: {
          anyOf: [
            {
              type: "object",
              properties: { type: { const: "signup" }, userId: ref("id") },
              required: ["type", "userId"],
            },
            {
              type: "object",
              properties: { type: { const: "purchase" }, amount: ref("money") },
              required: ["type", "amount"],
            },
          ],
        },
        tags: { type: "array", items: { type: "string", maxLength: 32 }, uniqueItems: true },
      },
      required: ["eventId", "occurredAt", "payload"],
    },
    options: { backoff: { kind: "fixed", delay: 5 } },
  }),
];

const names = ["send_email", "resize_image", "render_invoice", "ship_order", "track_event"];

export function queueSchemas(count: number): QueueSetup[] {
  return Array.from({ length: count }, (_unused, index) => {
    const shape = index % shapes.length;
    return { key: `${names[shape]}_${String(index).padStart(3, "0")}`, ...shapes[shape]!(index) };
  });
}

/**
 * A project with a versioned queue (issue 14 §3): `signup_email` at version 3
 * keeps versions 1 and 2, and each of its three schemas has a definition
 * `address` and a subschema titled `Recipient` of its own shape, which would
 * be two types of one name if two versions shared a module. Files are
 * written under test/.tmp/ by createSchemaProject.
 */
import type { PgmqGenConfig, QueueConfig } from "../../src/config/types.js";

const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

function signupSchema(address: object, recipient: object, properties: object, required: string[]): object {
  return {
    $schema: DRAFT_07,
    type: "object",
    definitions: {
      address,
      recipient: { title: "Recipient", type: "object", additionalProperties: false, ...recipient },
    },
    properties,
    required,
    additionalProperties: false,
  };
}

export const signupSchemas = {
  "schemas/signup-email.v1.schema.json": signupSchema(
    { type: "string", format: "email" },
    { properties: { address: { $ref: "#/definitions/address" } }, required: ["address"] },
    { to: { $ref: "#/definitions/recipient" } },
    ["to"],
  ),
  "schemas/signup-email.v2.schema.json": signupSchema(
    {
      type: "object",
      properties: { email: { type: "string", format: "email" }, name: { type: ["string", "null"] } },
      required: ["email", "name"],
      additionalProperties: false,
    },
    { properties: { address: { $ref: "#/definitions/address" } }, required: ["address"] },
    { to: { $ref: "#/definitions/recipient" } },
    ["to"],
  ),
  "schemas/signup-email.schema.json": signupSchema(
    {
      type: "object",
      properties: { email: { type: "string", format: "email" }, name: { type: ["string", "null"] } },
      required: ["email", "name"],
      additionalProperties: false,
    },
    {
      properties: { address: { $ref: "#/definitions/address" }, locale: { type: "string", enum: ["en", "fr"] } },
      required: ["address", "locale"],
    },
    { to: { type: "array", items: { $ref: "#/definitions/recipient" }, minItems: 1 } },
    ["to"],
  ),
  "schemas/welcome.schema.json": {
    $schema: DRAFT_07,
    type: "object",
    properties: { userId: { type: "string" } },
    required: ["userId"],
  },
};

/** The upgrade module as a user writes it: typed by `satisfies`, importing the generated types. */
export const signupUpgrades = `import type { SignupEmailJobV1, SignupEmailJobV2, SignupEmailUpgrades } from "../generated/index.js";

export default {
  from1: (job: SignupEmailJobV1): SignupEmailJobV2 => ({ to: { address: { email: job.to.address, name: null } } }),
  from2: (job) => ({ to: [{ address: job.to.address, locale: "en" }] }),
} satisfies SignupEmailUpgrades;
`;

export const signupEmailQueue: QueueConfig = {
  schema: "signup-email.schema.json",
  version: 3,
  previous: { 1: "signup-email.v1.schema.json", 2: "signup-email.v2.schema.json" },
  upgrade: "./upgrades/signupEmail.ts",
};

export const versionedConfig: PgmqGenConfig = {
  queues: {
    signup_email: signupEmailQueue,
    // A version above 1 with nothing older kept: only the codec's `version` is new.
    welcome: { schema: "welcome.schema.json", version: 2 },
  },
};

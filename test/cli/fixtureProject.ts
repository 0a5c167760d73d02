/** A small project for the CLI tests: two queues, one schema file each, a dead-letter queue. */
import { createTempProject, type TempProject } from "../config/tempProject.js";

export const emailSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: { to: { type: "string" }, subject: { type: "string" } },
  required: ["to", "subject"],
  additionalProperties: false,
};

export const resizeSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: { url: { type: "string" }, width: { type: "integer" } },
  required: ["url", "width"],
};

export const fixtureConfig = `export default {
  queues: {
    email: { schema: "email.schema.json", deadLetter: "email_dead", maxRetries: 3 },
    resize_image: { schema: "resize.schema.json", visibilityTimeout: 60 },
  },
};
`;

export function createFixtureProject(label: string, extraFiles: Record<string, string> = {}): Promise<TempProject> {
  return createTempProject(label, {
    "pgmq.config.ts": fixtureConfig,
    "schemas/email.schema.json": `${JSON.stringify(emailSchema, null, 2)}\n`,
    "schemas/resize.schema.json": `${JSON.stringify(resizeSchema, null, 2)}\n`,
    // Its own node_modules, so the build cache (node_modules/.cache/pgmq-gen) stays in the project and goes with it.
    "node_modules/.keep": "",
    ...extraFiles,
  });
}

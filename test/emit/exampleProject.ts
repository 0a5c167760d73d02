/** The repository's example queues (pgmq.config.ts + schemas/), as a config the emit tests can vary. */
import path from "node:path";
import type { PgmqGenConfig } from "../../src/config/types.js";
import { packageRoot } from "../model/schemaProject.js";

/** Same queues as pgmq.config.ts (which imports "pgmq-gen" and is loaded by the CLI, not by these tests). */
export const exampleConfig: PgmqGenConfig = {
  schemasDir: "schemas",
  outDir: "generated",
  queues: {
    email: {
      schema: "email.schema.json",
      maxRetries: 5,
      backoff: { kind: "exponential", initial: 2, max: 600 },
      deadLetter: "email_dead",
      archiveRetention: "30d",
    },
    email_dead: {
      schema: "email.schema.json",
      description: "Emails that could not be sent after every retry, kept for inspection and replay.",
      maxRetries: 0,
    },
    resize_image: {
      schema: "resize-image.schema.json",
      visibilityTimeout: 120,
      jobTimeout: 90,
      onSuccess: "delete",
      backoff: { kind: "fixed", delay: 10 },
    },
    invoice_pdf: {
      schema: "invoice-pdf.schema.json",
      transactional: true,
      maxRetries: 3,
    },
  },
};

export const exampleConfigPath = path.join(packageRoot, "pgmq.config.ts");

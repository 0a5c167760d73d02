/**
 * The repository's own example project: three queues sharing definitions
 * through schemas/common.schema.json. `pgmq-gen` compiles it into generated/.
 */
import { defineConfig } from "pgmq-gen";

export default defineConfig({
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
});

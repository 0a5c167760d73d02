/**
 * A worker app's producer, compiled and run by workerInstall.test.ts in a
 * folder where only @pgmq-gen/runtime is installed: pushes three emails, then
 * one the schema refuses, and prints what happened to it.
 */
import { closePool, ValidationError } from "@pgmq-gen/runtime";
import { emailQueue } from "./generated/index.js";

for (const n of [1, 2, 3]) {
  await emailQueue.push({ to: ["ada@example.com"], subject: `job ${n}`, template: "welcome" });
}
try {
  await emailQueue.push({ to: ["not an address"], subject: "bad", template: "welcome" });
  console.log("invalid job: sent");
} catch (error) {
  console.log(error instanceof ValidationError ? `invalid job: rejected at ${error.issues[0]?.pointer}` : `${error}`);
}
await closePool();

/**
 * A worker app's worker, compiled and run by workerInstall.test.ts in a folder
 * where only @pgmq-gen/runtime is installed: handles the producer's three
 * emails, prints their subjects and exits (code 2 if they do not all come
 * within 30 s).
 */
import { closePool } from "@pgmq-gen/runtime";
import { createWorker, type EmailHandler } from "./generated/index.js";

const EXPECTED = 3;
const subjects: string[] = [];
let allHandled: () => void = () => {};
const handled = new Promise<void>((resolve) => {
  allHandled = resolve;
});

const email: EmailHandler = {
  async handle(job) {
    subjects.push(job.subject);
    if (subjects.length === EXPECTED) allHandled();
  },
};

const worker = createWorker({ email }, { concurrency: 2 });
await worker.start();
const timer = setTimeout(() => {
  console.error(`timed out with ${subjects.length} of ${EXPECTED} jobs handled`);
  process.exit(2);
}, 30_000);
await handled;
clearTimeout(timer);
await worker.stop();
await closePool();
console.log(`handled: ${subjects.sort().join(", ")}`);

/**
 * telemetry.absent.test.ts's child process: pushes one job (in an active
 * span when the API loads), runs it with a worker, and prints what happened
 * as one JSON line. DATABASE_URL names the test database, QUEUE the queue; with
 * TELEMETRY_OFF=1 it calls configure({ telemetry: false }) first.
 */
import {
  closePool,
  configure,
  createProducer,
  createQueueWorker,
  getPool,
} from "../../../packages/runtime/src/index.js";
import { testQueue } from "../../worker/support/workerTestQueue.js";

configure({ logger: false, ...(process.env.TELEMETRY_OFF === "1" ? { telemetry: false } : {}) });
const queue = process.env.QUEUE ?? "absent";
const definition = testQueue(queue);
const producer = createProducer(definition);
let ran = 0;
const worker = createQueueWorker({ [queue]: definition }, { [queue]: () => void ran++ }, { pollInterval: 50 });
const completed = new Promise<void>((resolve) => worker.on("job:complete", () => resolve()));
await worker.start();
const msgId = await producer.push({ n: 1 });
const ids = await producer.pushBatch([{ n: 2 }]);
await completed;
while (ran < 2) await new Promise((resolve) => setTimeout(resolve, 20));
await worker.stop();
const { rows } = await getPool().query(`SELECT headers FROM pgmq.a_${queue} ORDER BY msg_id`);
console.log(
  JSON.stringify({ msgId: String(msgId), ids: ids.map(String), ran, headers: rows.map((row) => row.headers) }),
);
await closePool();

/**
 * Workload 5: producers and a worker at once for a fixed time. Producers push
 * batches as fast as they can but pause while the backlog exceeds
 * `maxBacklog`, so the figure is the throughput the whole system sustains,
 * not how fast a table fills. The worker runs in a child process (see
 * mixedWorkerProcess.ts), on plain node (no tsx), whose peak RSS is the
 * memory figure.
 */
import { fork } from "node:child_process";
import { buildChildScript } from "../childBuild.js";
import { benchJobs } from "../jobs.js";
import type { SystemSession } from "../system.js";
import type { Measurement } from "./enqueue.js";
import type { MixedChildMessage, MixedParentMessage } from "./mixedProtocol.js";
import type { WorkloadParams } from "./params.js";

/** Built once per bench process, on first use (see childBuild.ts). */
let childPath: string | undefined;
const readyTimeoutMs = 60_000;
const finishTimeoutMs = 180_000;

export async function mixed(
  session: SystemSession,
  params: WorkloadParams["mixed"],
  context: { systemId: string; databaseUrl: string },
): Promise<Measurement> {
  childPath ??= buildChildScript("bench/workloads/mixedWorkerProcess.ts");
  const child = fork(childPath, [context.systemId, context.databaseUrl, String(params.concurrency)], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let processed = 0;
  let resolveReady: () => void = () => {};
  let resolveDone: (message: Extract<MixedChildMessage, { type: "done" }>) => void = () => {};
  let rejectAll: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectAll = reject;
  });
  const done = new Promise<Extract<MixedChildMessage, { type: "done" }>>((resolve, reject) => {
    resolveDone = resolve;
    const previous = rejectAll;
    rejectAll = (error) => {
      previous(error);
      reject(error);
    };
  });
  // Both promises may reject before anyone awaits the second.
  done.catch(() => {});
  child.on("message", (message: MixedChildMessage) => {
    if (message.type === "progress") processed = message.processed;
    else if (message.type === "ready") resolveReady();
    else if (message.type === "done") resolveDone(message);
    else if (message.type === "failed") rejectAll(new Error(`worker process failed: ${message.error}`));
  });
  child.on("exit", (code) => rejectAll(new Error(`worker process exited with code ${code}`)));

  try {
    await withTimeout(ready, readyTimeoutMs, "worker process start");
    let produced = 0;
    let nextSeq = 0;
    const started = performance.now();
    const deadline = started + params.seconds * 1000;
    async function producer(): Promise<void> {
      while (performance.now() < deadline) {
        if (nextSeq - processed > params.maxBacklog) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          continue;
        }
        const from = nextSeq;
        nextSeq += params.batchSize;
        await session.pushBatch(benchJobs(from, params.batchSize));
        produced += params.batchSize;
      }
    }
    await Promise.all(Array.from({ length: params.producers }, producer));
    const processedInWindow = processed;
    const seconds = (performance.now() - started) / 1000;
    child.send({ type: "finish", expected: produced } satisfies MixedParentMessage);
    const result = await withTimeout(done, finishTimeoutMs, "worker process finish");
    if (result.problem) throw new Error(`exactly-once check failed: ${result.problem}`);
    return {
      "jobs/s": processedInWindow / seconds,
      "worker peak RSS MB": result.peakRssBytes / (1024 * 1024),
    };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

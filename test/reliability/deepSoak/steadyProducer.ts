/**
 * Pushes jobs at a steady rate: one `pushBatch` every tick with the jobs due
 * since the last (rate x elapsed time, so a slow push is caught up on the
 * next tick rather than lost). Every 10th job fails its first attempt.
 */
import type { Producer } from "@pgmq-gen/runtime";
import type { ReliabilityJob } from "../harness/reliabilityQueue.js";
import type { DeliveryLedger } from "./deliveryLedger.js";

/** Milliseconds between batches. */
const TICK_MS = 100;

export interface SteadyProducer {
  /** Pushes that threw (the ids are given back and pushed again). */
  readonly errors: number;
  stop(): Promise<void>;
}

export function startSteadyProducer(
  producer: Producer<ReliabilityJob>,
  ledger: DeliveryLedger,
  options: { jobsPerSecond: number; sleepMs: number; onError: (error: unknown) => void },
): SteadyProducer {
  const began = performance.now();
  let errors = 0;
  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      const due = Math.floor(((performance.now() - began) / 1000) * options.jobsPerSecond) - ledger.pushed;
      if (due > 0) {
        const ids = ledger.nextIds(due);
        try {
          await producer.pushBatch(ids.map((id) => ({ id, sleepMs: options.sleepMs })));
        } catch (error) {
          ledger.unpushed(due);
          errors++;
          options.onError(error);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  })();
  return {
    get errors() {
      return errors;
    },
    async stop() {
      stopping = true;
      await loop;
    },
  };
}

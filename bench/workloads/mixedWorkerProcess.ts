/**
 * The mixed workload's worker, in its own process so its memory is its own:
 * opens the system on the run's database, runs a no-op handler at the given
 * concurrency, samples its RSS, and reports progress to the parent over IPC.
 *
 * argv: <systemId> <databaseUrl> <concurrency>
 */
import { loadAdapter } from "../adapters/registry.js";
import type { MixedChildMessage, MixedParentMessage } from "./mixedProtocol.js";

const progressEveryMs = 50;
const rssEveryMs = 100;
const finishTimeoutMs = 120_000;

/** Delivery counts by seq that grow as producers go; a byte per job keeps it small. */
class GrowableLedger {
  private counts = new Uint8Array(1 << 16);
  processed = 0;

  record(seq: number): void {
    while (seq >= this.counts.length) {
      const bigger = new Uint8Array(this.counts.length * 2);
      bigger.set(this.counts);
      this.counts = bigger;
    }
    this.counts[seq] = Math.min(255, (this.counts[seq] ?? 0) + 1);
    this.processed++;
  }

  problems(expected: number): string | null {
    let missing = 0;
    let duplicated = 0;
    for (let seq = 0; seq < expected; seq++) {
      const count = seq < this.counts.length ? this.counts[seq]! : 0;
      if (count === 0) missing++;
      else if (count > 1) duplicated++;
    }
    if (this.processed > expected) duplicated += this.processed - expected;
    return missing || duplicated ? `${missing} jobs never ran, ${duplicated} extra deliveries` : null;
  }
}

function send(message: MixedChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [systemId, databaseUrl, concurrencyText] = process.argv.slice(2);
  if (!systemId || !databaseUrl || !concurrencyText) throw new Error("usage: <systemId> <databaseUrl> <concurrency>");
  const adapter = await loadAdapter(systemId);
  const session = await adapter.open(databaseUrl);
  const ledger = new GrowableLedger();
  const worker = await session.startWorker({
    concurrency: Number(concurrencyText),
    handle: (job) => ledger.record(job.seq),
  });

  let peakRss = process.memoryUsage().rss;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, rssEveryMs);
  const progressTimer = setInterval(() => send({ type: "progress", processed: ledger.processed }), progressEveryMs);
  send({ type: "ready" });

  process.on("message", (message: MixedParentMessage) => {
    if (message.type !== "finish") return;
    void (async () => {
      const deadline = performance.now() + finishTimeoutMs;
      while (ledger.processed < message.expected && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // A short settle catches late duplicates.
      await new Promise((resolve) => setTimeout(resolve, 300));
      clearInterval(rssTimer);
      clearInterval(progressTimer);
      await worker.stop();
      await session.close();
      send({
        type: "done",
        processed: ledger.processed,
        peakRssBytes: peakRss,
        problem: ledger.problems(message.expected),
      });
      process.disconnect();
    })();
  });
}

main().catch((error: unknown) => {
  send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exitCode = 1;
  process.disconnect?.();
});

/**
 * Exactly-once bookkeeping for the drain workloads: each handler call bumps
 * its job's counter; at the end every counter must be exactly 1. A loss or a
 * duplicate fails the run, so a fast-but-wrong system cannot win.
 */
export class DeliveryLedger {
  private readonly counts: Uint8Array;
  private delivered = 0;
  private readonly waiters: { target: number; resolve: () => void }[] = [];

  constructor(readonly expected: number) {
    this.counts = new Uint8Array(expected);
  }

  /** Records one delivery of job `seq`. */
  record(seq: number): void {
    if (seq >= 0 && seq < this.counts.length) {
      const count = this.counts[seq] ?? 0;
      if (count < 255) this.counts[seq] = count + 1;
    }
    this.delivered += 1;
    this.notify();
  }

  get deliveredCount(): number {
    return this.delivered;
  }

  /** Resolves when `target` deliveries have been recorded, or rejects after `timeoutMs`. */
  waitFor(target: number, timeoutMs: number): Promise<void> {
    if (this.delivered >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out after ${timeoutMs} ms with ${this.delivered}/${target} jobs delivered`));
      }, timeoutMs);
      this.waiters.push({
        target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Throws unless every job in [0, upTo) ran exactly once. */
  assertExactlyOnce(upTo: number = this.expected): void {
    let missing = 0;
    let duplicated = 0;
    let firstBad = -1;
    for (let seq = 0; seq < upTo; seq++) {
      const count = this.counts[seq] ?? 0;
      if (count === 1) continue;
      if (firstBad < 0) firstBad = seq;
      if (count === 0) missing++;
      else duplicated++;
    }
    if (missing > 0 || duplicated > 0) {
      throw new Error(
        `exactly-once check failed: ${missing} jobs never ran, ${duplicated} ran more than once (first: seq ${firstBad})`,
      );
    }
  }

  /** Throws if any job ran more than once (for a run stopped before every job ran). */
  assertAtMostOnce(): void {
    const duplicated = this.counts.reduce((n, count) => (count > 1 ? n + 1 : n), 0);
    if (duplicated > 0) throw new Error(`exactly-once check failed: ${duplicated} jobs ran more than once`);
  }

  private notify(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (this.delivered >= waiter.target) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

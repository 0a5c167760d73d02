/**
 * In-process ledger of the soak's jobs (ids 1..pushed): how often each
 * job's handler finished. The archive cannot be the ledger here: retention
 * deletes it as the soak runs.
 */
export interface LedgerSummary {
  pushed: number;
  /** Jobs pushed whose handler never finished. */
  lost: number;
  lostSample: number[];
  /** Jobs whose handler finished more than once (at-least-once allows it; a run without crashes should have none). */
  finishedTwice: number;
  /** First attempts that failed on purpose (every 10th job). */
  failedFirstAttempts: number;
  /** Handler runs of a backlog message (delayed by a day: none should run). */
  backlogRuns: number;
}

export class DeliveryLedger {
  #finished: Uint8Array;
  #pushed = 0;
  #finishedJobs = 0;
  #failedFirstAttempts = 0;
  #backlogRuns = 0;

  constructor(capacity: number) {
    this.#finished = new Uint8Array(capacity + 1);
  }

  /** Ids for the next `count` jobs. */
  nextIds(count: number): number[] {
    if (this.#pushed + count >= this.#finished.length)
      throw new Error(`ledger capacity ${this.#finished.length - 1} reached`);
    const ids = Array.from({ length: count }, (_, i) => this.#pushed + i + 1);
    this.#pushed += count;
    return ids;
  }

  /** Gives back ids of a push that failed (the last ones handed out). */
  unpushed(count: number): void {
    this.#pushed -= count;
  }

  finished(id: number): void {
    if (id > this.#pushed || id <= 0) {
      this.#backlogRuns++;
      return;
    }
    const count = this.#finished[id]!;
    if (count === 0) this.#finishedJobs++;
    if (count < 255) this.#finished[id] = count + 1;
  }

  failedFirstAttempt(): void {
    this.#failedFirstAttempts++;
  }

  get pushed(): number {
    return this.#pushed;
  }

  get finishedJobs(): number {
    return this.#finishedJobs;
  }

  get failedFirstAttempts(): number {
    return this.#failedFirstAttempts;
  }

  summary(): LedgerSummary {
    const lostSample: number[] = [];
    let lost = 0;
    let finishedTwice = 0;
    for (let id = 1; id <= this.#pushed; id++) {
      const count = this.#finished[id]!;
      if (count === 0 && lost++ < 10) lostSample.push(id);
      if (count > 1) finishedTwice++;
    }
    return {
      pushed: this.#pushed,
      lost,
      lostSample,
      finishedTwice,
      failedFirstAttempts: this.#failedFirstAttempts,
      backlogRuns: this.#backlogRuns,
    };
  }
}

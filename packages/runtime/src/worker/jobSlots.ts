/**
 * How many more jobs a queue may start now, under the worker's `concurrency`
 * and the queue's own.
 *
 * A job holds a slot only while its handler runs. Once the handler is over
 * the job is "settling" (its ack waits for the next batched write) and its
 * slot is free at once: the next job starts while the ack is on its way,
 * and the acks of every job that finished during one write go out together
 * in the next (group commit). Holding slots until acks were written capped
 * each ack statement at about `concurrency` ids and made the ack round trip,
 * not the handlers, the limit on throughput.
 *
 * Settling jobs are still bounded, per queue: past `settlingLimit` unwritten
 * acks (the database takes reads but not acks, say) no job starts, so the
 * memory held for acks stays bounded.
 */

class SlotPool {
  running = 0;
  settling = 0;
  constructor(
    readonly capacity: number,
    readonly settlingLimit: number,
  ) {}

  free(): number {
    return Math.max(0, Math.min(this.capacity - this.running, this.settlingLimit - this.settling));
  }
}

export class JobSlots {
  readonly #all: SlotPool;
  readonly #queues = new Map<string, SlotPool>();
  #waiters = new Set<() => void>();

  /** `capacity`: jobs running at once over all queues. */
  constructor(capacity: number) {
    // Settling jobs are bounded per queue (each queue has its own ack batches), not over all.
    this.#all = new SlotPool(capacity, Number.POSITIVE_INFINITY);
  }

  /** `capacity`: the queue's jobs running at once; `settlingLimit`: its unwritten acks past which no job starts. */
  addQueue(queue: string, capacity: number, settlingLimit: number): void {
    this.#queues.set(queue, new SlotPool(capacity, settlingLimit));
  }

  /** Slots `queue` may fill now. */
  free(queue: string): number {
    return Math.min(this.#all.free(), this.#pool(queue).free());
  }

  /** Takes up to `wanted` slots for jobs about to start; returns how many it took. */
  reserve(queue: string, wanted: number): number {
    const taken = Math.max(0, Math.min(wanted, this.free(queue)));
    this.#all.running += taken;
    this.#pool(queue).running += taken;
    return taken;
  }

  /** A job's handler has finished (or never ran): its slot is free, its ack is pending. */
  toSettling(queue: string): void {
    this.#all.running -= 1;
    this.#all.settling += 1;
    const pool = this.#pool(queue);
    pool.running -= 1;
    pool.settling += 1;
    this.#changed();
  }

  /** A job's ack is written (or given up). */
  settled(queue: string): void {
    this.#all.settling -= 1;
    const pool = this.#pool(queue);
    pool.settling -= 1;
    // Only the settling bound can have held a job back here.
    if (pool.settling === pool.settlingLimit - 1) this.#changed();
  }

  /** Resolves when `queue` has a free slot or `signal` aborts. */
  waitForFree(queue: string, signal: AbortSignal): Promise<void> {
    if (this.free(queue) > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.free(queue) > 0 || signal.aborted) done();
      };
      const done = (): void => {
        this.#waiters.delete(check);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(check);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  #pool(queue: string): SlotPool {
    const pool = this.#queues.get(queue);
    if (pool === undefined) throw new Error(`pgmq-gen worker: no slots for queue "${queue}"`);
    return pool;
  }

  #changed(): void {
    if (this.#waiters.size === 0) return;
    for (const check of [...this.#waiters]) check();
  }
}

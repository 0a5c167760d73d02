/**
 * How many more jobs a queue may fetch now, under the worker's `concurrency`
 * and the queue's own.
 *
 * A job holds a slot while its handler runs ("running"), then while its ack
 * waits to be written ("settling"). Settling jobs do not block reads up to a
 * point: up to `capacity` of them are free, so the next read overlaps with
 * the previous batch's ack (one round trip per batch instead of two). Past
 * that they count, which bounds the acks held in memory to `capacity` per
 * pool when the database stops taking them.
 */

class SlotPool {
  running = 0;
  settling = 0;
  constructor(readonly capacity: number) {}

  free(): number {
    const forRunning = this.capacity - this.running;
    const forBacklog = 2 * this.capacity - this.running - this.settling;
    return Math.max(0, Math.min(forRunning, forBacklog));
  }
}

export class JobSlots {
  readonly #all: SlotPool;
  readonly #queues = new Map<string, SlotPool>();
  #waiters = new Set<() => void>();

  /** `capacity`: jobs in flight at once over all queues. */
  constructor(capacity: number) {
    this.#all = new SlotPool(capacity);
  }

  addQueue(queue: string, capacity: number): void {
    this.#queues.set(queue, new SlotPool(capacity));
  }

  /** Slots `queue` may fill now. */
  free(queue: string): number {
    return Math.min(this.#all.free(), this.#pool(queue).free());
  }

  /** Takes up to `wanted` slots for a read; returns how many it took. */
  reserve(queue: string, wanted: number): number {
    const taken = Math.max(0, Math.min(wanted, this.free(queue)));
    this.#all.running += taken;
    this.#pool(queue).running += taken;
    return taken;
  }

  /** Gives back slots a read reserved but did not fill. */
  unreserve(queue: string, count: number): void {
    if (count <= 0) return;
    this.#all.running -= count;
    this.#pool(queue).running -= count;
    this.#changed();
  }

  /** A job's handler has finished; its ack is pending. */
  toSettling(queue: string): void {
    this.#all.running -= 1;
    this.#all.settling += 1;
    const pool = this.#pool(queue);
    pool.running -= 1;
    pool.settling += 1;
    this.#changed();
  }

  /** A job's ack is written (or given up): its slot is free. */
  settled(queue: string): void {
    this.#all.settling -= 1;
    this.#pool(queue).settling -= 1;
    this.#changed();
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
    for (const check of [...this.#waiters]) check();
  }
}

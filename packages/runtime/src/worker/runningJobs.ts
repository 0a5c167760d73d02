/**
 * One queue's jobs in flight, counted in two stages: handler running, and
 * job unfinished (handler over, ack not yet written). Each stage change
 * moves the job's slot in `JobSlots`; `stop()` waits for each count to reach
 * zero.
 *
 * Counters instead of a promise per job: the drain profile showed the
 * per-job promises and closures of a Set-of-promises design as a visible
 * share of a no-op job's cost (docs/performance.md).
 */
import type { JobSlots } from "./jobSlots.js";

class Countdown {
  #count = 0;
  #waiters: Array<() => void> = [];

  increment(): void {
    this.#count += 1;
  }

  decrement(): void {
    this.#count -= 1;
    if (this.#count === 0 && this.#waiters.length > 0) {
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  get count(): number {
    return this.#count;
  }

  /** Resolves when the count is (or next reaches) zero. */
  zero(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export class RunningJobs {
  readonly #queue: string;
  readonly #slots: JobSlots;
  readonly #handlers = new Countdown();
  readonly #unfinished = new Countdown();
  /** Handler over, ack not yet written or given up. */
  readonly #settling = new Countdown();
  /** Called each time a handler settles and frees its slot (the queue's reader may want to read). */
  onSlotFreed: (() => void) | null = null;

  constructor(queue: string, slots: JobSlots) {
    this.#queue = queue;
    this.#slots = slots;
  }

  /** A job whose slot `JobSlots.reserve` gave is starting. */
  started(): void {
    this.#handlers.increment();
    this.#unfinished.increment();
  }

  /** Its handler is over (or was never called): the slot is free, the ack is pending. Call once per job. */
  handlerSettled(): void {
    this.#slots.toSettling(this.#queue);
    this.#settling.increment();
    this.#handlers.decrement();
    this.onSlotFreed?.();
  }

  /** Its ack is written or given up. Call once per job, after `handlerSettled`. */
  finished(): void {
    this.#slots.settled(this.#queue);
    this.#settling.decrement();
    this.#unfinished.decrement();
  }

  /** Handlers running now. */
  get handlersRunning(): number {
    return this.#handlers.count;
  }

  /** Resolves when no handler runs. */
  handlersIdle(): Promise<void> {
    return this.#handlers.zero();
  }

  /**
   * Resolves when every job whose handler is over has its ack written (or
   * given up): what `stop()` waits for once it leaves behind handlers that
   * ignored their aborted signal.
   */
  acksSettled(): Promise<void> {
    return this.#settling.zero();
  }

  /** Resolves when every started job has finished, ack included. */
  allFinished(): Promise<void> {
    return this.#unfinished.zero();
  }
}

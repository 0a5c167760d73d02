/**
 * Timers for durations a user chooses.
 *
 * Node's `setTimeout` holds its delay in a signed 32-bit int: anything past
 * 2^31 - 1 ms (24.8 days) is replaced by 1 ms, with only a warning. A
 * `jobTimeout` of 3,000,000 s, a `pollInterval` or a `shutdownTimeout` that
 * large would fire at once (every job killed, a busy poll, handlers aborted
 * at stop). Every timer whose length comes from the user or their settings
 * goes through this module, which chains chunks of at most 2^31 - 1 ms.
 * Fixed internal delays (a few seconds) may use `setTimeout` directly.
 */

/** The longest delay Node's timers honour, in milliseconds; longer ones fire after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A pending long timeout. */
export interface LongTimeout {
  /** Cancels it; the callback never runs. Safe to call more than once, and after it fired. */
  clear(): void;
  /** Lets the process exit while only this timer is pending (as `Timeout.unref()`). */
  unref(): this;
}

class ChainedTimeout implements LongTimeout {
  readonly #callback: () => void;
  /** Milliseconds still to wait after the current chunk. */
  #remaining: number;
  #timer: NodeJS.Timeout | null = null;
  #referenced = true;

  constructor(callback: () => void, ms: number) {
    this.#callback = callback;
    // As setTimeout: a negative or NaN delay means "as soon as possible". Infinity never fires.
    // biome-ignore lint/complexity/useMathMinMax: Math.max(NaN, 0) is NaN; a NaN delay must become 0.
    this.#remaining = ms > 0 ? ms : 0;
    if (this.#remaining !== Infinity) this.#arm();
  }

  clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  unref(): this {
    this.#referenced = false;
    this.#timer?.unref();
    return this;
  }

  #arm(): void {
    // Chunks count down what is left rather than aim at a wall-clock moment: like setTimeout, a
    // clock that jumps does not shorten or stretch the wait.
    const chunk = Math.min(this.#remaining, MAX_TIMER_DELAY_MS);
    this.#remaining -= chunk;
    this.#timer = setTimeout(() => {
      if (this.#remaining > 0) {
        this.#arm();
        return;
      }
      this.#timer = null;
      this.#callback();
    }, chunk);
    if (!this.#referenced) this.#timer.unref();
  }
}

/**
 * Calls `callback` after `ms` milliseconds, for any `ms` (past 2^31 - 1 too).
 * A negative or NaN `ms` fires as soon as possible; `Infinity` never fires.
 */
export function setLongTimeout(callback: () => void, ms: number): LongTimeout {
  return new ChainedTimeout(callback, ms);
}

/**
 * Resolves after `ms` milliseconds, or as soon as `signal` aborts; never
 * rejects. Its timer is cleared when the signal ends the wait, so a
 * finished sleep keeps nothing alive.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setLongTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done(): void {
      timer.clear();
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/**
 * Waits for `promise` at most `ms` milliseconds: `true` when it resolved in
 * time, `false` when the time ran out first (it is not cancelled). Rejects
 * when `promise` rejects in time. The timer is cleared either way, so a
 * promise that settles early leaves no timer behind to hold the process.
 */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const timer = setLongTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        timer.clear();
        resolve(true);
      },
      (error: unknown) => {
        timer.clear();
        reject(error);
      },
    );
  });
}

/**
 * A fetch loop's alarm clock: it sleeps until its poll interval passes or
 * something wakes it (a NOTIFY, a freed slot, stop()).
 *
 * A wake-up that arrives while the loop is busy reading is remembered, so the
 * next `sleep` returns at once: a job pushed during a read is not left
 * waiting for the next poll.
 *
 * Sleeps are as long as the user's `pollInterval`, so they use the long
 * timer (`longTimeout.ts`): Node's own fires after 1 ms past 2^31 ms.
 */
import { setLongTimeout, sleep } from "../longTimeout.js";

export class Wakeup {
  #pending = false;
  #resolve: (() => void) | null = null;

  /** Resolves after `ms` milliseconds or at the next `wake()`, whichever comes first. */
  sleep(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setLongTimeout(finish, ms);
      const self = this;
      function finish(): void {
        timer.clear();
        if (self.#resolve === finish) self.#resolve = null;
        resolve();
      }
      this.#resolve = finish;
    });
  }

  /** Ends the current sleep, or the next one if none is running. */
  wake(): void {
    const resolve = this.#resolve;
    if (resolve === null) {
      this.#pending = true;
      return;
    }
    this.#pending = false;
    resolve();
  }

  /** Forgets a wake-up that arrived while the loop was busy (it has just read anyway). */
  clear(): void {
    this.#pending = false;
  }
}

/** Sleeps `ms` milliseconds; resolves early when `signal` aborts. Never rejects. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, signal);
}

/**
 * Resolves in a later turn of the event loop, after the immediates queued
 * before it: ack flushes (`AckBatcher`) among them, and the promise jobs and
 * `nextTick`s those leave behind.
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

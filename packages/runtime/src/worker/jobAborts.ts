/**
 * Each running job's abort signal, and `stop()`'s way to abort them all at
 * its deadline (and to leave behind those that do not return).
 *
 * A job's `AbortController` is made only when its handler reads
 * `ctx.signal`, and only then does the job join the set `abortAll` walks:
 * the controller was among the costliest things a no-op job allocated (a
 * tenth of its CPU time in the drain profile, see docs/performance.md), and
 * a handler that never looks at its signal cannot tell whether it aborted.
 * One that asks after `abortAll` (or its timeout) gets a signal that is
 * already aborted, with the same reason.
 *
 * A Set costs O(1) per job; a listener per job on one shared signal grew
 * that signal's listener list with concurrency (and tripped Node's
 * MaxListenersExceededWarning past 10).
 */
export class JobAbort {
  readonly #registry: JobAborts;
  #controller: AbortController | null = null;
  #aborted = false;
  #reason: unknown = undefined;

  constructor(registry: JobAborts) {
    this.#registry = registry;
  }

  /** The job's signal; made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
      else this.#registry.track(this);
    }
    return this.#controller.signal;
  }

  /** Aborts the job's signal with `reason` (the first reason wins, as with `AbortController`). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }

  /** The job is over: `abortAll` no longer concerns it. */
  close(): void {
    if (this.#controller !== null) this.#registry.untrack(this);
  }
}

export class JobAborts {
  readonly #tracked = new Set<JobAbort>();
  #reason: unknown = undefined;
  #aborted = false;
  #leftBehind = false;

  /**
   * `stop()` returned with handlers still running: when one returns, its
   * ending is reported and nothing is written (the pool may be closed).
   */
  get leftBehind(): boolean {
    return this.#leftBehind;
  }

  /** Marks every job still running as left behind by `stop()` (see `leftBehind`). */
  leaveBehind(): void {
    this.#leftBehind = true;
  }

  /** The abort of a job starting now. */
  add(): JobAbort {
    return new JobAbort(this);
  }

  /** A job's signal was made: abort it with the others (at once, if `abortAll` already ran). */
  track(abort: JobAbort): void {
    if (this.#aborted) abort.abort(this.#reason);
    else this.#tracked.add(abort);
  }

  untrack(abort: JobAbort): void {
    this.#tracked.delete(abort);
  }

  /** Aborts every running job with `reason`, and every job that starts later. */
  abortAll(reason: unknown): void {
    this.#aborted = true;
    this.#reason = reason;
    for (const abort of this.#tracked) abort.abort(reason);
    this.#tracked.clear();
  }
}

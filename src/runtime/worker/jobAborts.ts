/**
 * Each running job's abort signal, created only when its handler reads
 * `ctx.signal`, and the set of them, so `stop()` can abort every running
 * job at its deadline.
 *
 * Lazy because an `AbortController` is among the costliest things a job
 * allocates (a tenth of a no-op job's CPU time in the drain profile, see
 * docs/performance.md) and most handlers never look at it. A job aborted
 * before its handler asks gets a signal that is already aborted, with the
 * same reason.
 *
 * A Set costs O(1) per job; a listener per job on one shared signal grew
 * that signal's listener list with concurrency (and tripped Node's
 * MaxListenersExceededWarning past 10).
 */
export class JobAbort {
  #controller: AbortController | null = null;
  #aborted = false;
  #reason: unknown = undefined;

  /** The job's signal; made on first use. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
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
}

export class JobAborts {
  readonly #running = new Set<JobAbort>();
  #reason: unknown = undefined;
  #aborted = false;

  /** The abort of a job starting now; already aborted if `abortAll` has run. */
  add(): JobAbort {
    const abort = new JobAbort();
    if (this.#aborted) abort.abort(this.#reason);
    else this.#running.add(abort);
    return abort;
  }

  /** The job is over: forget it. */
  delete(abort: JobAbort): void {
    this.#running.delete(abort);
  }

  /** Aborts every running job with `reason`, and every job that starts later. */
  abortAll(reason: unknown): void {
    this.#aborted = true;
    this.#reason = reason;
    for (const abort of this.#running) abort.abort(reason);
    this.#running.clear();
  }
}

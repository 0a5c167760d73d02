/**
 * The abort controllers of running jobs, so `stop()` can abort them all at
 * its deadline. A Set costs O(1) per job; a listener per job on one shared
 * signal grew that signal's listener list with concurrency (and tripped
 * Node's MaxListenersExceededWarning past 10).
 */
export class JobAborts {
  readonly #running = new Set<AbortController>();
  #reason: unknown = undefined;
  #aborted = false;

  /** A controller for a job starting now; already aborted if `abortAll` has run. */
  add(): AbortController {
    const controller = new AbortController();
    if (this.#aborted) controller.abort(this.#reason);
    else this.#running.add(controller);
    return controller;
  }

  /** The job is over: forget its controller. */
  delete(controller: AbortController): void {
    this.#running.delete(controller);
  }

  /** Aborts every running job with `reason`, and every job that starts later. */
  abortAll(reason: unknown): void {
    this.#aborted = true;
    this.#reason = reason;
    for (const controller of this.#running) controller.abort(reason);
    this.#running.clear();
  }
}

/**
 * How many messages a queue keeps buffered beyond its free slots: about
 * `horizonMs` worth of work at the rate its jobs have been starting, at most
 * `batchSize`.
 *
 * Fixed-size prefetch is wrong at one end or the other. Large enough for
 * no-op jobs (hundreds of messages, so a read costs a small share of a
 * transaction per job), it makes a worker of slow jobs hoard messages that
 * an idle worker elsewhere could run; small enough for slow jobs, it makes
 * the read round trip the limit for fast ones. Measuring the start rate
 * fits both: jobs that take a second each keep nothing buffered beyond
 * their free slots (reads are sized to those), no-op jobs keep the whole
 * `batchSize`, and in between a worker holds ~100 ms of work that others
 * cannot see.
 *
 * The rate is a moving average over the intervals between reads, so it
 * follows a burst after an idle spell within a few reads.
 */

/** Work a queue buffers ahead, in milliseconds of its recent start rate. */
export const PREFETCH_HORIZON_MS = 100;
/** Intervals shorter than this do not update the rate (too few starts to measure). Milliseconds. */
const MIN_INTERVAL_MS = 5;

export class PrefetchTarget {
  readonly #max: number;
  /** Jobs started per millisecond, smoothed. */
  #rate = 0;
  #startedSince = 0;
  #since: number;
  #target = 0;

  /** `max`: the queue's `batchSize`. */
  constructor(max: number, now: number = Date.now()) {
    this.#max = max;
    this.#since = now;
  }

  /** Messages to keep buffered beyond free slots, as of the last `update`. */
  get target(): number {
    return this.#target;
  }

  /** `count` jobs started. */
  started(count: number): void {
    this.#startedSince += count;
  }

  /** Folds the starts since the last update into the rate; call before each read. Returns the new target. */
  update(now: number = Date.now()): number {
    const elapsed = now - this.#since;
    if (elapsed >= MIN_INTERVAL_MS) {
      const rate = this.#startedSince / elapsed;
      this.#rate = (this.#rate + rate) / 2;
      this.#startedSince = 0;
      this.#since = now;
      this.#target = Math.min(this.#max, Math.ceil(this.#rate * PREFETCH_HORIZON_MS));
    }
    return this.#target;
  }
}

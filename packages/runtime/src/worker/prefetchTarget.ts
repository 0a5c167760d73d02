/**
 * How many messages a queue keeps buffered beyond its free slots, at most
 * `batchSize`: the larger of two terms.
 *
 * Fixed-size prefetch is wrong at one end or the other. Large enough for
 * no-op jobs (hundreds of messages, so a read costs a small share of a
 * transaction per job), it makes a worker of slow jobs hoard messages that
 * an idle worker elsewhere could run; small enough for slow jobs, it makes
 * the read round trip the limit for fast ones.
 *
 * The measured term is about `PREFETCH_HORIZON_MS` worth of work at the rate
 * jobs have been starting (a moving average over the intervals between
 * updates, so it follows a burst after an idle spell within a few reads).
 * It fits both ends: jobs that take a second each keep nothing buffered
 * beyond their free slots (reads are sized to those), no-op jobs keep the
 * whole `batchSize`, and in between a worker holds ~100 ms of work that
 * others cannot see.
 *
 * The measured rate can show no more demand than the reads supplied, though.
 * Once a read takes longer than the horizon (a remote or loaded database),
 * the rate of fast jobs is about `rows per read / read time`, the measured
 * term falls below one read's rows, and reads shrink to the free slots: a
 * fixed point at a few slots per round trip. So the grown term, in two
 * states, decided as each read ends:
 * - starved: the read came back to free slots that had waited on it for at
 *   least `STARVED_WAIT_MS` with the buffer empty, and the read before it
 *   had returned all it asked for (so the buffer was as small as the target
 *   made it, not as the queue was). The buffer did not last the read: the
 *   grown term becomes what would have, the target the read was sized with
 *   times the read's duration over the part of it the buffer lasted, at
 *   most twice that target and at least the read's quantity. A run of
 *   starved reads of fast jobs doubles it each round trip up to
 *   `batchSize`; jobs that were only a little short grow it a little.
 * - fed: any other read. The grown term is left to fade: it halves every
 *   two read durations (at least two horizons) since it last grew, so the
 *   measured term takes over again within a few round trips.
 * Slow jobs do not hoard: with reads faster than `STARVED_WAIT_MS` a slot
 * never waits that long on one, so nothing grows and reads stay sized to the
 * free slots; with slow reads the buffer grows until it lasts a read (a
 * read's worth of their work, not the backlog) and stops there.
 */

/** Work a queue buffers ahead, in milliseconds of its recent start rate. */
export const PREFETCH_HORIZON_MS = 100;
/**
 * A free slot that waited this long on a read, with the buffer empty, was
 * starved by it. Milliseconds. Reads faster than the horizon are covered by
 * the measured term; half of it leaves room for reads near the horizon, where
 * the measured term barely grows.
 */
export const STARVED_WAIT_MS = PREFETCH_HORIZON_MS / 2;
/** Intervals shorter than this do not update the rate (too few starts to measure). Milliseconds. */
const MIN_INTERVAL_MS = 5;
/** The grown term halves over this many read durations (each at least the horizon) after it last grew. */
const GROWN_HALF_LIFE_READS = 2;

/** How a read went, for `PrefetchTarget.readEnded`. */
export interface ReadOutcome {
  /** Messages the read asked for. */
  readonly asked: number;
  /** Messages it returned (fewer than asked: the queue ran out, or the byte budget cut it). */
  readonly returned: number;
  /** How long it took, sent to returned. Milliseconds. */
  readonly durationMs: number;
  /** How long a free slot had been waiting on it with the buffer empty when it returned; 0 if none was. Milliseconds. */
  readonly waitedMs: number;
}

export class PrefetchTarget {
  readonly #max: number;
  /** Jobs started per millisecond, smoothed. */
  #rate = 0;
  #startedSince = 0;
  #since: number;
  /** The grown term as of `#grownAt` (the last read's end); it fades from there. */
  #grown = 0;
  #grownAt = 0;
  #grownHalfLifeMs = GROWN_HALF_LIFE_READS * PREFETCH_HORIZON_MS;
  #previousReadFull = false;
  /** The target as of the last `update`: the one the read now under way was sized with. */
  #sizedWith = 0;
  #target = 0;

  /** `max`: the queue's `batchSize`. `now`: the clock, in milliseconds (Date.now()). */
  constructor(max: number, now: number = Date.now()) {
    this.#max = max;
    this.#since = now;
  }

  /** Messages to keep buffered beyond free slots, as of the last `update` or `readEnded`. */
  get target(): number {
    return this.#target;
  }

  /** `count` jobs started. */
  started(count: number): void {
    this.#startedSince += count;
  }

  /** Folds the starts since the last update into the rate; call before each read (it sizes it). Returns the new target. */
  update(now: number = Date.now()): number {
    const elapsed = now - this.#since;
    if (elapsed >= MIN_INTERVAL_MS) {
      const rate = this.#startedSince / elapsed;
      this.#rate = (this.#rate + rate) / 2;
      this.#startedSince = 0;
      this.#since = now;
    }
    this.#sizedWith = this.#refresh(now);
    return this.#sizedWith;
  }

  /** A read returned (not one that failed): grows the target if it starved the slots (see the top). Returns the target. */
  readEnded(read: ReadOutcome, now: number = Date.now()): number {
    // Faded to now under the old half-life, so a new one does not rewrite the past.
    this.#grown = this.#grownNow(now);
    this.#grownAt = now;
    this.#grownHalfLifeMs = GROWN_HALF_LIFE_READS * Math.max(PREFETCH_HORIZON_MS, read.durationMs);
    if (this.#previousReadFull && read.waitedMs >= STARVED_WAIT_MS) {
      // The buffer lasted `durationMs - waitedMs` of the read: what would have lasted all of it, at most twice as much.
      const lasted = read.durationMs - read.waitedMs;
      const growth = lasted > 0 ? Math.min(2, read.durationMs / lasted) : 2;
      this.#grown = Math.min(this.#max, Math.max(Math.ceil(growth * this.#sizedWith), read.asked));
    }
    this.#previousReadFull = read.returned >= read.asked;
    return this.#refresh(now);
  }

  #grownNow(now: number): number {
    // A clock that stepped back does not make it grow.
    return this.#grown * 0.5 ** (Math.max(0, now - this.#grownAt) / this.#grownHalfLifeMs);
  }

  #refresh(now: number): number {
    const measured = Math.ceil(this.#rate * PREFETCH_HORIZON_MS);
    this.#target = Math.min(this.#max, Math.max(measured, Math.floor(this.#grownNow(now))));
    return this.#target;
  }
}

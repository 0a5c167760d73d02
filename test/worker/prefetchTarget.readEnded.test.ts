/**
 * PrefetchTarget.readEnded: reads slower than the horizon grow the target
 * when the buffer ran out under them (the measured start rate can show no
 * more than the reads supplied), slow jobs keep reads sized to their free
 * slots, and the grown target fades once starvation ends.
 *
 * A millisecond-step model of one queue's fetcher drives the target with
 * explicit `now` values: the reader reads `min(batchSize, free + target) -
 * buffered` when the buffer falls below half of that, the dispatcher starts
 * buffered messages as slots free up, and the queue is deep (every read
 * returns all it asked for).
 */
import { describe, expect, it } from "vitest";
import { PrefetchTarget, STARVED_WAIT_MS } from "../../packages/runtime/src/worker/prefetchTarget.js";

interface Phase {
  /** Milliseconds each read takes. */
  readMs: number;
  /** Milliseconds each job takes, give or take 10% (0: done by the next step). */
  jobMs: number;
  /** Milliseconds the phase lasts. */
  forMs: number;
}

interface ReadLog {
  /** When the read ended. */
  at: number;
  asked: number;
  /** Free slots when the read was sent. */
  free: number;
  /** The target once the read ended. */
  target: number;
  /** What the measured term alone (a PrefetchTarget never told of reads) would have made it. */
  measured: number;
}

interface Model {
  reads: ReadLog[];
  /** Most messages buffered at once. */
  maxBuffered: number;
  target: PrefetchTarget;
}

/** The worker's default `pollInterval`: the reader's timed wake-up while nothing else wakes it. Milliseconds. */
const POLL_INTERVAL_MS = 1000;

function runModel(concurrency: number, batchSize: number, phases: readonly Phase[]): Model {
  const target = new PrefetchTarget(batchSize, 0);
  const measured = new PrefetchTarget(batchSize, 0);
  const reads: ReadLog[] = [];
  let now = 0;
  let buffered = 0;
  let maxBuffered = 0;
  let running: number[] = [];
  // Typed by assertion: TypeScript would narrow a plain `null` for good, not seeing the reader's closure set it.
  let read = null as { sentAt: number; endsAt: number; asked: number; free: number } | null;
  /** Since when a free slot has been waiting on an empty buffer. */
  let dryFrom: number | null = null;
  // The reader's loop starts with a read.
  let readerAt = Number.NEGATIVE_INFINITY;
  // Jobs of one kind still differ a little (so slots free up one by one); a fixed seed keeps the model repeatable.
  let seed = 1;
  const jitter = () => {
    seed = (seed * 48_271) % 2_147_483_647;
    return 0.9 + (0.2 * seed) / 2_147_483_647;
  };
  const free = () => concurrency - running.length;
  const goal = () => Math.min(batchSize, free() + target.target);
  const refillWanted = () => buffered * 2 < goal();
  /** One turn of the reader's loop: update, then read if the buffer is below half its goal. */
  const reader = () => {
    readerAt = now;
    target.update(now);
    measured.update(now);
    if (read === null && refillWanted()) {
      read = { sentAt: now, endsAt: now + phaseOf(now).readMs, asked: goal() - buffered, free: free() };
    }
  };
  const ends: number[] = [];
  for (const phase of phases) ends.push((ends.at(-1) ?? 0) + phase.forMs);
  const phaseOf = (at: number) => phases[ends.findIndex((end) => at < end)] ?? phases.at(-1)!;
  for (; now < ends.at(-1)!; now++) {
    // Jobs end; each freed slot wakes the reader when a refill is wanted.
    const before = running.length;
    running = running.filter((endsAt) => endsAt > now);
    let wake = running.length < before && read === null && refillWanted();
    if (buffered === 0 && free() > 0) dryFrom ??= now;
    if (read !== null && read.endsAt <= now) {
      const waitedMs = dryFrom !== null && buffered === 0 && free() > 0 ? now - Math.max(dryFrom, read.sentAt) : 0;
      target.readEnded({ asked: read.asked, returned: read.asked, durationMs: now - read.sentAt, waitedMs }, now);
      reads.push({ at: now, asked: read.asked, free: read.free, target: target.target, measured: measured.target });
      buffered += read.asked;
      maxBuffered = Math.max(maxBuffered, buffered);
      dryFrom = null;
      read = null;
      // The reader's loop goes on at once, before the dispatcher sees the new messages.
      reader();
    }
    const starting = Math.min(free(), buffered);
    buffered -= starting;
    target.started(starting);
    measured.started(starting);
    for (let i = 0; i < starting; i++) running.push(now + Math.max(1, Math.round(phaseOf(now).jobMs * jitter())));
    if (buffered === 0 && free() > 0) dryFrom ??= now;
    if (starting > 0 && read === null && refillWanted()) wake = true;
    if (read === null && (wake || now - readerAt >= POLL_INTERVAL_MS)) reader();
  }
  return { reads, maxBuffered, target };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("PrefetchTarget.readEnded", () => {
  it("issue 11 prefetch: with reads of 300 ms and instant jobs, the target reaches batchSize/2 within 10 reads", () => {
    const model = runModel(16, 500, [{ readMs: 300, jobMs: 0, forMs: 10_000 }]);
    const reached = model.reads.findIndex((read) => read.target >= 250);
    expect(reached).toBeGreaterThanOrEqual(0);
    expect(reached).toBeLessThan(10);
    // And it stays there: every later read asks for hundreds.
    for (const read of model.reads.slice(reached + 2)) expect(read.asked).toBeGreaterThanOrEqual(200);
  });

  it("issue 11 prefetch: with jobs of 1 s and fast reads, reads stay sized to the free slots", () => {
    const model = runModel(16, 500, [{ readMs: 5, jobMs: 1000, forMs: 30_000 }]);
    expect(model.reads.length).toBeGreaterThan(60);
    // No slot waits long on a 5 ms read: the target is the measured term's alone, as before the rule.
    for (const read of model.reads) expect(read.target).toBe(read.measured);
    expect(median(model.reads.map((read) => read.asked))).toBeLessThanOrEqual(4);
    // Running 16, a few buffered (more for a moment when several slots free up together): never the backlog.
    expect(model.maxBuffered).toBeLessThanOrEqual(32);
  });

  it("issue 11 prefetch: with jobs of 1 s and reads of 300 ms, it buffers about a read's worth of jobs, no hoard", () => {
    const model = runModel(16, 500, [{ readMs: 300, jobMs: 1000, forMs: 30_000 }]);
    // 16 jobs/s, ~5 of them per read: the buffer grows to last a read (reads start at half of it), no further.
    expect(median(model.reads.map((read) => read.target))).toBeLessThanOrEqual(16);
    expect(model.maxBuffered).toBeLessThanOrEqual(32);
    // And it pays: the slots are kept busy (the measured term alone runs ~13 jobs/s here).
    const jobs = model.reads.reduce((sum, read) => sum + read.asked, 0);
    expect(jobs / 30).toBeGreaterThanOrEqual(15);
  });

  it("issue 11 prefetch: once the reads no longer starve the slots, the grown target decays", () => {
    const starved: Phase = { readMs: 300, jobMs: 0, forMs: 5_000 };
    // The jobs slow down: the buffer no longer runs dry, whatever the reads cost.
    const slowJobs: Phase = { readMs: 300, jobMs: 1000, forMs: 5_000 };
    const model = runModel(16, 500, [starved, slowJobs]);
    expect(model.reads.find((read) => read.at < 5_000 && read.target === 500)).toBeDefined();
    // Within 5 s (the reader updates at least every poll interval), although the hoard keeps it from reading.
    expect(model.target.target).toBeLessThanOrEqual(16);
    // Once the hoard (up to 500 jobs of 1 s, 16 at a time) has drained, reads are small again.
    const later = runModel(16, 500, [starved, { ...slowJobs, forMs: 40_000 }]);
    const late = later.reads.filter((read) => read.at > 35_000);
    expect(late.length).toBeGreaterThan(5);
    for (const read of late) expect(read.asked).toBeLessThanOrEqual(16);
  });

  it("issue 11 prefetch: does not grow on a short wait, nor when the read before came back short", () => {
    const target = new PrefetchTarget(500, 0);
    // Full reads, slots waited less than the threshold.
    for (let read = 1; read <= 5; read++) {
      target.readEnded({ asked: 16, returned: 16, durationMs: 40, waitedMs: STARVED_WAIT_MS - 1 }, read * 40);
    }
    expect(target.target).toBe(0);
    // Long waits, but every read after a short one: the queue ran out, not the buffer.
    target.readEnded({ asked: 16, returned: 3, durationMs: 300, waitedMs: 0 }, 500);
    for (let read = 1; read <= 5; read++) {
      target.readEnded({ asked: 16, returned: 3, durationMs: 300, waitedMs: 300 }, 500 + read * 300);
    }
    expect(target.target).toBe(0);
    // A full read, then a long wait on the next: the buffer the full read left did not last.
    target.readEnded({ asked: 16, returned: 16, durationMs: 300, waitedMs: 0 }, 2000);
    expect(target.readEnded({ asked: 16, returned: 16, durationMs: 300, waitedMs: 300 }, 2300)).toBe(16);
  });
});

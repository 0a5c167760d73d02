/**
 * The long timer in fake time (in addition to the real-time worker tests in
 * test/worker/worker.longDurations.test.ts): delays past 2^31 - 1 ms fire
 * when due, not after 1 ms; cleared ones never fire.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_DELAY_MS, setLongTimeout, settlesWithin, sleep } from "../../packages/runtime/src/longTimeout.js";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

const DAY_MS = 24 * 3600 * 1000;

describe("setLongTimeout", () => {
  it("round two #3: fires after 3,000,000 s, not after 1 ms", () => {
    const fired = vi.fn();
    setLongTimeout(fired, 3_000_000_000);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(3_000_000_000 - MAX_TIMER_DELAY_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("round two #3: a cleared long timeout never fires, even after its first chunk", () => {
    const fired = vi.fn();
    const timer = setLongTimeout(fired, 60 * DAY_MS);
    vi.advanceTimersByTime(30 * DAY_MS);
    timer.clear();
    vi.advanceTimersByTime(60 * DAY_MS);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("round two #3: short, zero and negative delays behave as setTimeout's; Infinity never fires", () => {
    const calls: string[] = [];
    setLongTimeout(() => calls.push("10"), 10);
    setLongTimeout(() => calls.push("0"), 0);
    setLongTimeout(() => calls.push("-5"), -5);
    setLongTimeout(() => calls.push("inf"), Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(10);
    expect(calls).toEqual(["0", "-5", "10"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("round two #3: sleep ends early on abort and settlesWithin clears its timer", async () => {
    const controller = new AbortController();
    const sleeping = sleep(40 * DAY_MS, controller.signal);
    controller.abort();
    await sleeping;
    expect(vi.getTimerCount()).toBe(0);
    expect(await settlesWithin(Promise.resolve(), 40 * DAY_MS)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    const late = settlesWithin(new Promise(() => {}), 40 * DAY_MS);
    vi.advanceTimersByTime(40 * DAY_MS);
    expect(await late).toBe(false);
  });
});

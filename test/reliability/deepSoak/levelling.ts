/**
 * Whether a soak's figures levelled off: the growth over the last window
 * (10 minutes, or half the run if shorter) against the window before it.
 * Sizes level off when the last window grew by less than 2% of where it
 * started (or less than 1 MiB). Dead tuples are a sawtooth between
 * vacuums (up to ~8 minutes a tooth under the defaults at 200 jobs/s), so a
 * 10-minute window's figure depends on where its teeth fall: they level off
 * when the median of the run's second half is no higher than 1.25x that of
 * its first half (plus 1,000).
 */
export interface Levelling {
  metric: string;
  windowMinutes: number;
  previous: number;
  last: number;
  levelled: boolean;
}

const MIB = 2 ** 20;

export function sizeLevelling(metric: string, series: readonly number[], windowMinutes = 10): Levelling {
  const window = Math.max(1, Math.min(windowMinutes, Math.floor((series.length - 1) / 2)));
  const end = series.length - 1;
  const previous = series[end - window]! - series[end - 2 * window]!;
  const last = series[end]! - series[end - window]!;
  return {
    metric,
    windowMinutes: window,
    previous,
    last,
    levelled: last < Math.max(MIB, 0.02 * series[end - window]!),
  };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1
    ? sorted[(sorted.length - 1) / 2]!
    : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

export function sawtoothLevelling(metric: string, series: readonly number[]): Levelling {
  const half = Math.max(1, Math.floor(series.length / 2));
  const previous = median(series.slice(0, half));
  const last = median(series.slice(series.length - half));
  return { metric, windowMinutes: half, previous, last, levelled: last <= 1.25 * previous + 1000 };
}

/**
 * Whether a soak's figures levelled off: the growth over the last window
 * (10 minutes, or half the run if shorter) against the window before it.
 * Sizes level off when the last window grew by less than 5% of where it
 * started (or less than 1 MiB); dead tuples, a sawtooth between vacuums,
 * when the last window's peak is no higher than 1.25x the previous peak.
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
  return { metric, windowMinutes: window, previous, last, levelled: last < Math.max(MIB, 0.05 * series[end - window]!) };
}

export function peakLevelling(metric: string, series: readonly number[], windowMinutes = 10): Levelling {
  const window = Math.max(1, Math.min(windowMinutes, Math.floor((series.length - 1) / 2)));
  const end = series.length;
  const previous = Math.max(...series.slice(end - 2 * window, end - window));
  const last = Math.max(...series.slice(end - window));
  return { metric, windowMinutes: window, previous, last, levelled: last <= 1.25 * previous };
}

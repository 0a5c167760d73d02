/** Messages between the mixed workload and its worker process. */
export type MixedChildMessage =
  | { type: "ready" }
  | { type: "progress"; processed: number }
  | { type: "done"; processed: number; peakRssBytes: number; problem: string | null }
  | { type: "failed"; error: string };

/** Tells the worker how many jobs were pushed in all; it finishes them, stops and reports. */
export type MixedParentMessage = { type: "finish"; expected: number };

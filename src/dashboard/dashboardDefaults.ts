/** The dashboard's defaults, in a module of their own so the CLI's parser reads them without loading the server. */
export const DASHBOARD_DEFAULTS = {
  host: "127.0.0.1",
  port: 5050,
  /** Seconds between a page's live refreshes. */
  refreshSeconds: 5,
  /** Between the background samples of queue depth for the charts. Milliseconds. */
  sampleIntervalMs: 15_000,
} as const;

/**
 * `handleSignals: true`: SIGINT and SIGTERM stop the worker gracefully.
 *
 * The listeners are removed as soon as a stop begins, so a second Ctrl-C
 * during a long graceful stop gets the default behaviour (the process
 * ends at once). After the stop, when nobody else listens for the signal,
 * the process exits (code `process.exitCode`, 0 unless the application set
 * one): the stop was clean, so a supervisor should see success, and the
 * process must not linger on the shared pool's open connections. An
 * application that listens for the signal itself keeps control of its exit.
 */
const stopSignals = ["SIGINT", "SIGTERM"] as const;

/** Installs the listeners; returns the function that removes them. */
export function installSignalHandlers(stop: () => Promise<void>): () => void {
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const signal of stopSignals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    remove();
    void stop().finally(() => {
      if (process.listenerCount(signal) === 0) process.exit();
    });
  }
  for (const signal of stopSignals) process.on(signal, onSignal);
  return remove;
}

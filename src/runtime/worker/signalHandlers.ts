/**
 * `handleSignals: true`: SIGINT and SIGTERM stop the worker gracefully.
 *
 * The listeners are removed as soon as a stop begins, so a second Ctrl-C
 * during a long graceful stop gets the default behaviour (the process
 * ends at once). After the stop, the signal is raised again when nobody
 * else listens for it, so the process ends the way it was asked to rather
 * than lingering on open pool connections.
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
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
  for (const signal of stopSignals) process.on(signal, onSignal);
  return remove;
}

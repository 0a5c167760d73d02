/**
 * The worker's typed event emitter.
 *
 * Listeners are user code: one that throws must not break the job loop that
 * emitted the event, so every call is guarded. A throwing listener is
 * reported on `error`; a throwing `error` listener is dropped, because
 * reporting it again could loop forever.
 */
import type { WorkerEvents } from "../types.js";

type Listener<E extends keyof WorkerEvents> = (...args: WorkerEvents[E]) => void;
type AnyListener = (...args: unknown[]) => void;

export class WorkerEventEmitter {
  readonly #listeners = new Map<keyof WorkerEvents, Set<AnyListener>>();

  on<E extends keyof WorkerEvents>(event: E, listener: Listener<E>): void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as unknown as AnyListener);
  }

  off<E extends keyof WorkerEvents>(event: E, listener: Listener<E>): void {
    this.#listeners.get(event)?.delete(listener as unknown as AnyListener);
  }

  /** Whether `event` has a listener: lets a hot path skip building an event nobody hears. */
  listens(event: keyof WorkerEvents): boolean {
    const set = this.#listeners.get(event);
    return set !== undefined && set.size > 0;
  }

  /** Calls every listener of `event`; never throws. */
  emit<E extends keyof WorkerEvents>(event: E, ...args: WorkerEvents[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as Listener<E>)(...args);
      } catch (error) {
        if (event !== "error") this.emit("error", error);
      }
    }
  }

  /** Reports a failure of the worker itself (lost connection, failed ack). */
  error(error: unknown): void {
    this.emit("error", error);
  }
}

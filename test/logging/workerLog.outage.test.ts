/**
 * One lost line and one restored line per outage: failures that arrive
 * while the database is down, or just after it answered again (statements
 * sent on connections the outage killed, failing late), stay at debug; a
 * failure well after the restore is a new outage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LogFields, Logger, LogLevel } from "../../packages/runtime/src/logging/logger.js";
import { WorkerLog } from "../../packages/runtime/src/logging/workerLog.js";
import type { WorkerEvents } from "../../packages/runtime/src/types.js";

interface Entry {
  level: LogLevel;
  event: unknown;
}

function setUp() {
  const entries: Entry[] = [];
  const at = (level: LogLevel) => (fields: LogFields) => void entries.push({ level, event: fields.event });
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  const listeners: { [E in keyof WorkerEvents]?: (...args: WorkerEvents[E]) => void } = {};
  const log = new WorkerLog(
    logger,
    { queues: [{ name: "q", concurrency: 1, maxAttempts: 1 }], concurrency: 1, shutdownTimeout: 1000 },
    () => ({ host: "127.0.0.1", port: 5432, database: "app", user: "worker" }),
  );
  log.listenTo({ on: (event, listener) => void (listeners[event] = listener as never) });
  const fail = () => listeners.error!(Object.assign(new Error("Connection terminated unexpectedly"), {}));
  const notice = () => entries.filter((entry) => entry.level !== "debug").map((entry) => entry.event);
  return { log, fail, notice, entries };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("WorkerLog outages", () => {
  it("issue 12 #2: failures during an outage and within a second of its end are one outage", () => {
    const { log, fail, notice, entries } = setUp();
    fail();
    fail();
    vi.advanceTimersByTime(3000);
    log.reached();
    log.reached();
    vi.advanceTimersByTime(5);
    fail(); // a statement sent before the restore, failing late
    log.reached();
    expect(notice()).toEqual(["connection:lost", "connection:restored"]);
    expect(entries.filter((entry) => entry.level === "debug")).toHaveLength(2);
  });

  it("issue 12 #2: a failure past the straggler window is a new outage, with its own restored line", () => {
    const { log, fail, notice } = setUp();
    fail();
    log.reached();
    vi.advanceTimersByTime(1500);
    fail();
    vi.advanceTimersByTime(200);
    log.reached();
    expect(notice()).toEqual(["connection:lost", "connection:restored", "connection:lost", "connection:restored"]);
  });
});

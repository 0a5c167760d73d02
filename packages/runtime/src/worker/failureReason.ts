/**
 * Words for whatever a handler threw, and the bounded, storable reason a
 * killed job carries into its `job:kill` event and its dead-letter record.
 *
 * A handler may throw anything: `Object.create(null)` (no `toString`), an
 * object whose `toString` throws, a Symbol, an Error whose `message` getter
 * throws, a Proxy whose every trap throws. Building the reason must never
 * throw, or the job would end without an ack and come back after its
 * visibility timeout, forever.
 */
import { storableText } from "../storableText.js";

/** Longest reason stored, in UTF-16 code units (8 KiB of ASCII); past it the reason is cut with a marker. */
export const REASON_MAX_LENGTH = 8192;

/** Said when nothing about the value can be printed. */
const UNPRINTABLE = "<unprintable>";

function attempt<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** `error.message` (or its `name` when empty) for anything with a string message; undefined otherwise. */
function messageOf(error: object): string | undefined {
  const message = attempt(() => (error as { message?: unknown }).message);
  if (typeof message === "string" && message !== "") return message;
  if (attempt(() => error instanceof Error) !== true) return undefined;
  const name = attempt(() => error.constructor.name) ?? attempt(() => (error as Error).name);
  return typeof name === "string" && name !== "" ? name : "Error";
}

/**
 * A thrown value in words; never throws. Tries, in order: its string message
 * (an Error's `message`, or its name when the message is empty or unreadable),
 * `String(value)` unless it is the uninformative `[object Object]`, its JSON,
 * `Object.prototype.toString`, and last `<unprintable>`.
 */
export function describeError(error: unknown): string {
  if (typeof error === "string") return error;
  if ((typeof error === "object" && error !== null) || typeof error === "function") {
    const message = messageOf(error);
    if (message !== undefined) return message;
  }
  const text = attempt(() => String(error));
  if (typeof text === "string" && text !== "[object Object]") return text;
  const json = attempt(() => JSON.stringify(error));
  if (typeof json === "string") return json;
  const tag = attempt(() => Object.prototype.toString.call(error));
  return typeof tag === "string" ? tag : UNPRINTABLE;
}

/**
 * `text` made storable (see `storableText`) and cut to `REASON_MAX_LENGTH`
 * with a marker saying how much was cut; a surrogate pair is never split.
 */
export function boundedReason(text: string): string {
  const storable = storableText(text);
  if (storable.length <= REASON_MAX_LENGTH) return storable;
  const marker = (cut: number) => `… [reason cut at 8 KiB: ${cut} more characters]`;
  // The marker's own length depends on the count it states: measure it with the largest count possible.
  let keep = REASON_MAX_LENGTH - marker(storable.length).length;
  const last = storable.charCodeAt(keep - 1);
  if (last >= 0xd800 && last <= 0xdbff) keep -= 1;
  return storable.slice(0, keep) + marker(storable.length - keep);
}

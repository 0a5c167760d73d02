/**
 * A keyset cursor over message ids: page on from the last id shown
 * (`after`) or back from the first (`before`).
 */

import { MAX_MESSAGE_ID } from "./limits.js";

/**
 * `cursor` as the statements take it (text); a TypeError unless a bigint,
 * a RangeError outside 0 to 2^63 - 1, before any query. 0 is a cursor
 * before every id (PGMQ's ids start at 1).
 */
export function messageCursor(cursor: bigint, what: string): string {
  if (typeof cursor !== "bigint") throw new TypeError(`${what}: expected a bigint message id, got ${typeof cursor}`);
  if (cursor < 0n || cursor > MAX_MESSAGE_ID)
    throw new RangeError(`${what}: expected a message id from 0 to 2^63 - 1, got ${cursor}`);
  return cursor.toString();
}

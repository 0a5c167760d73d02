/**
 * The bound on payloads a listing reads (`maxPayloadBytes` of
 * `queueMessages` and of the dead letters' `list`): see sql/boundedPayload.ts.
 */

/** `maxPayloadBytes` checked: a positive int4, or null for no bound. */
export function payloadBoundOf(value: number | undefined): number | null {
  if (value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 1 || value > 2 ** 31 - 1)
    throw new RangeError(`maxPayloadBytes: expected an integer from 1 to ${2 ** 31 - 1}, got ${value}`);
  return value;
}

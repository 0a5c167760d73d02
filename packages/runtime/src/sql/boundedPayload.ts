/**
 * A listing's payload column, bounded: a page of fifty messages must not
 * read fifty 5 MB payloads to show a line of each. `pg_column_size` is the
 * stored size (compressed, if PostgreSQL compressed it) and reads no more
 * than the value's header, so a payload over the bound is never detoasted:
 * the row says how large it is instead.
 */

/**
 * The columns `message` (null when larger than the bound) and
 * `payload_bytes` (its stored size), of the row aliased `alias`; `bound` is
 * the parameter holding the most bytes (int4; NULL: no bound).
 */
export function boundedPayloadColumns(alias: string, bound: string): string {
  return `CASE WHEN ${bound}::int4 IS NULL OR pg_column_size(${alias}.message) <= ${bound}::int4 THEN ${alias}.message END AS message,
          coalesce(pg_column_size(${alias}.message), 0)::int4 AS payload_bytes`;
}

/** What a listing returns of a bounded payload. */
export interface BoundedPayloadRow {
  message: unknown;
  payload_bytes: number;
}
